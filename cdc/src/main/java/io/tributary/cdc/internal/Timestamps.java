package io.tributary.cdc.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The common case of {@code timestamptz} text without {@code java.time}'s formatters (they cost a
 * quarter of a change event's mapping): {@code YYYY-MM-DD HH:MM:SS[.f{1,6}]±HH[:MM[:SS]]} to the
 * UTC instant exactly as {@link java.time.Instant#toString()} writes it. Anything else (other
 * years, BC, infinity, unexpected shapes) is left to the caller's general parser.
 */
final class Timestamps {
    private Timestamps() {
    }

    /** The UTC instant of {@code text} in {@code Instant.toString()} form, or null when the text is not the common shape. */
    static String utcInstant(String text) {
        int n = text.length();
        if (n < 22 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' ' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (text.charAt(i) == '.') {
            int start = ++i;
            while (i < n && Character.isDigit(text.charAt(i))) {
                i++;
            }
            int len = i - start;
            if (len < 1 || len > 6) {
                return null;
            }
            nanos = digits(text, start, len);
            for (int k = len; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (i + 3 > n || (text.charAt(i) != '+' && text.charAt(i) != '-')) {
            return null;
        }
        int sign = text.charAt(i) == '-' ? -1 : 1;
        int offset = 0;
        for (int part = 0; i < n; part++) {
            // ±HH, then :MM, then :SS
            if (part > 2 || (part > 0 && text.charAt(i) != ':') || i + 3 > n) {
                return null;
            }
            int v = digits(text, i + 1, 2);
            if (v < 0 || (part > 0 && v > 59)) {
                return null;
            }
            offset += v * (part == 0 ? 3600 : part == 1 ? 60 : 1);
            i += 3;
        }
        if ((year | month | day | hour | minute | second | nanos) < 0 || offset > 18 * 3600) {
            return null;
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. February 30th: the general parser reports it
        }
        long epochSecond = local.toEpochSecond(ZoneOffset.ofTotalSeconds(sign * offset));
        LocalDateTime utc = LocalDateTime.ofEpochSecond(epochSecond, nanos, ZoneOffset.UTC);
        if (utc.getYear() < 1000 || utc.getYear() > 9999) {
            return null;
        }
        StringBuilder b = new StringBuilder(30);
        b.append(utc.getYear()).append('-');
        two(b, utc.getMonthValue()).append('-');
        two(b, utc.getDayOfMonth()).append('T');
        two(b, utc.getHour()).append(':');
        two(b, utc.getMinute()).append(':');
        two(b, utc.getSecond());
        if (nanos > 0) {
            // Instant.toString: the fraction in groups of three digits, as many as needed.
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
            String f = Integer.toString(value);
            b.append('.');
            for (int k = f.length(); k < digits; k++) {
                b.append('0');
            }
            b.append(f);
        }
        return b.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /** The decimal number in {@code len} characters at {@code at}, or -1 when one is not a digit. */
    private static int digits(String s, int at, int len) {
        if (at + len > s.length()) {
            return -1;
        }
        int v = 0;
        for (int k = at; k < at + len; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
