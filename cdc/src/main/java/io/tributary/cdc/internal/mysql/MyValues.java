package io.tributary.cdc.internal.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import io.tributary.cdc.CdcException;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;

/**
 * Converts column values to JSON, the same way whether they come from the binlog (the
 * deserializer's Java values, with dates and times as epoch microseconds and strings as bytes) or
 * from a snapshot's JDBC result (read with the session time zone at UTC): a row read by the
 * snapshot and the same row in a binlog event give identical JSON.
 */
final class MyValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private final ObjectMapper mapper;

    MyValues(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A binlog value (null for SQL NULL) as JSON. */
    JsonNode fromBinlog(MyColumn c, int binlogType, Serializable v) {
        if (v == null) {
            return NODES.nullNode();
        }
        return switch (c.kind()) {
            case INT -> integer(c, binlogType, ((Number) v).longValue());
            case BOOL -> bool(((Number) v).longValue());
            case FLOAT -> NODES.numberNode(((Number) v).floatValue());
            case DOUBLE -> NODES.numberNode(((Number) v).doubleValue());
            case DECIMAL -> NODES.textNode(((BigDecimal) v).toPlainString());
            case YEAR -> NODES.numberNode(((Number) v).intValue());
            case DATE -> NODES.textNode(LocalDate.ofEpochDay(Math.floorDiv((Long) v, MICROS_PER_DAY)).toString());
            case DATETIME -> NODES.textNode(dateTime((Long) v));
            case TIMESTAMP -> NODES.textNode(instant((Long) v));
            case TIME -> NODES.textNode(time((Long) v));
            case TEXT -> NODES.textNode(text(c, v));
            case JSON -> json(c.binaryJson() ? binaryJson((byte[]) v) : text(c, v));
            case BINARY -> NODES.textNode(Base64.getEncoder().encodeToString(pad(c, (byte[]) v)));
            case ENUM -> NODES.textNode(enumLabel(c, ((Number) v).intValue()));
            case SET -> NODES.textNode(setLabels(c, ((Number) v).longValue()));
            case BIT -> bit(c, bitValue((BitSet) v));
        };
    }

    /** Column {@code i} (1-based) of a snapshot row as JSON. */
    JsonNode fromJdbc(MyColumn c, ResultSet rs, int i) throws SQLException {
        if (c.kind() == MyColumn.Kind.BINARY || c.kind() == MyColumn.Kind.BIT) {
            byte[] b = rs.getBytes(i);
            if (b == null) {
                return NODES.nullNode();
            }
            if (c.kind() == MyColumn.Kind.BIT) {
                long value = 0;
                for (byte x : b) {
                    value = (value << 8) | (x & 0xFF);
                }
                return bit(c, value);
            }
            return NODES.textNode(Base64.getEncoder().encodeToString(pad(c, b)));
        }
        String s = rs.getString(i);
        if (s == null) {
            return NODES.nullNode();
        }
        return switch (c.kind()) {
            case INT -> {
                BigInteger b = new BigInteger(s);
                yield b.bitLength() < 64 ? NODES.numberNode(b.longValue()) : NODES.numberNode(b);
            }
            case BOOL -> bool(Long.parseLong(s));
            case FLOAT -> NODES.numberNode(rs.getFloat(i));
            case DOUBLE -> NODES.numberNode(rs.getDouble(i));
            case DECIMAL -> NODES.textNode(rs.getBigDecimal(i).toPlainString());
            case YEAR -> NODES.numberNode(Integer.parseInt(s.length() > 4 ? s.substring(0, 4) : s));
            case DATE -> NODES.textNode(s.length() > 10 ? s.substring(0, 10) : s);
            case DATETIME -> NODES.textNode(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.parse(s.replace(' ', 'T'))));
            case TIMESTAMP -> NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(
                    LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC)));
            case TIME -> NODES.textNode(time(parseTime(s)));
            case TEXT, ENUM, SET -> NODES.textNode(s);
            case JSON -> json(s);
            case BINARY, BIT -> throw new IllegalStateException("handled above");
        };
    }

    /** The text form of a key value, as used in stream names and snapshot progress. */
    static String keyText(JsonNode v) {
        return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
    }

    private static JsonNode integer(MyColumn c, int binlogType, long v) {
        if (!c.unsigned()) {
            return NODES.numberNode(v);
        }
        return switch (binlogType) {
            case 1 -> NODES.numberNode(v & 0xFFL);
            case 2 -> NODES.numberNode(v & 0xFFFFL);
            case 9 -> NODES.numberNode(v & 0xFF_FFFFL);
            case 3 -> NODES.numberNode(v & 0xFFFF_FFFFL);
            default -> v >= 0 ? NODES.numberNode(v) : NODES.numberNode(BigInteger.valueOf(v).add(TWO_64));
        };
    }

    private static JsonNode bool(long v) {
        // BOOLEAN is tinyint(1): 0 and 1 are false and true; any other value it may hold stays a number.
        return v == 0 ? NODES.booleanNode(false) : v == 1 ? NODES.booleanNode(true) : NODES.numberNode(v);
    }

    private static JsonNode bit(MyColumn c, long v) {
        return c.bits() == 1 ? NODES.booleanNode(v != 0) : NODES.numberNode(v);
    }

    private static long bitValue(BitSet b) {
        long[] words = b.toLongArray();
        return words.length == 0 ? 0 : words[0];
    }

    private static String dateTime(long micros) {
        long secs = Math.floorDiv(micros, 1_000_000L);
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofEpochSecond(secs, nanos, ZoneOffset.UTC));
    }

    private static String instant(long micros) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000));
    }

    /** {@code [-]H:MM:SS[.ffffff]}, trailing zeros of the fraction dropped. */
    private static String time(long micros) {
        StringBuilder b = new StringBuilder();
        if (micros < 0) {
            b.append('-');
            micros = -micros;
        }
        long secs = micros / 1_000_000L;
        long frac = micros % 1_000_000L;
        b.append(String.format("%02d:%02d:%02d", secs / 3600, (secs / 60) % 60, secs % 60));
        if (frac != 0) {
            String f = String.format("%06d", frac);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            b.append('.').append(f, 0, end);
        }
        return b.toString();
    }

    private static long parseTime(String s) {
        boolean negative = s.startsWith("-");
        String t = negative ? s.substring(1) : s;
        String[] parts = t.split("[:.]");
        long micros = (Long.parseLong(parts[0]) * 3600 + Long.parseLong(parts[1]) * 60 + Long.parseLong(parts[2])) * 1_000_000L;
        if (parts.length > 3) {
            String f = (parts[3] + "000000").substring(0, 6);
            micros += Long.parseLong(f);
        }
        return negative ? -micros : micros;
    }

    private static String text(MyColumn c, Serializable v) {
        if (v instanceof byte[] b) {
            return new String(b, c.charset() == null ? java.nio.charset.StandardCharsets.UTF_8 : c.charset());
        }
        return v.toString();
    }

    private static byte[] pad(MyColumn c, byte[] b) {
        if (c.padLength() > b.length) {
            byte[] out = new byte[c.padLength()];
            System.arraycopy(b, 0, out, 0, b.length);
            return out;
        }
        return b;
    }

    private static String binaryJson(byte[] b) {
        try {
            return JsonBinary.parseAsString(b);
        } catch (IOException e) {
            throw new CdcException("cannot decode a binary JSON value: " + e.getMessage(), e);
        }
    }

    private JsonNode json(String s) {
        try {
            return mapper.readTree(s);
        } catch (IOException e) {
            // MariaDB's JSON is longtext with a json_valid() check that may be absent: keep what is there.
            return NODES.textNode(s);
        }
    }

    private static String enumLabel(MyColumn c, int index) {
        List<String> labels = c.labels();
        return index >= 1 && index <= labels.size() ? labels.get(index - 1) : "";
    }

    private static String setLabels(MyColumn c, long mask) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.labels().size() && i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                b.append(b.length() == 0 ? "" : ",").append(c.labels().get(i));
            }
        }
        return b.toString();
    }
}
