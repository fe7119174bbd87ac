package io.tributary.cdc.internal;

import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Stream names of captured rows. A table's category is its name ({@code schema.table} outside
 * {@code public}) with {@code %}, {@code -} and control characters percent-encoded, so the
 * category is exactly the part before the first {@code -}. A row's stream is
 * {@code <category>-<key>}: the key columns' text forms, each with {@code %}, {@code ,} and
 * control characters percent-encoded, joined by {@code ,}. A name longer than
 * {@link StreamName#MAX_BYTES} bytes uses {@code <category>-#<first 32 hex digits of the key's SHA-256>}.
 * Truncates and rows of tables without a key go to the stream {@code <category>}.
 */
public final class StreamNames {
    private StreamNames() {
    }

    /** The category of a table. */
    public static String category(String schema, String table) {
        String raw = "public".equals(schema) ? table : schema + "." + table;
        return encode(raw, "-");
    }

    /** The category of a table named {@code qualified} ({@code table} or {@code db.table}), encoded like {@link #category}. */
    public static String categoryOf(String qualified) {
        return encode(qualified, "-");
    }

    /** The stream of a row with the given key values (text forms, in key order). */
    public static StreamName row(String category, List<String> key) {
        StringBuilder b = new StringBuilder(category).append('-');
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String v = key.get(i);
            b.append(v == null ? "%00" : encode(v, ","));
        }
        String name = b.toString();
        // A char is at most 3 UTF-8 bytes (a surrogate pair, two chars, is 4): short names need no encoding to measure.
        if (name.length() * 3 > StreamName.MAX_BYTES && name.getBytes(StandardCharsets.UTF_8).length > StreamName.MAX_BYTES) {
            name = category + "-#" + HexFormat.of().formatHex(sha256(name.substring(category.length() + 1))).substring(0, 32);
        }
        return StreamName.of(name);
    }

    private static String encode(String raw, String alsoEncode) {
        StringBuilder b = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean enc = c == '%' || Character.isISOControl(c) || alsoEncode.indexOf(c) >= 0 || (i == 0 && c == '$');
            if (enc && b == null) {
                b = new StringBuilder(raw.length() + 8).append(raw, 0, i);
            }
            if (enc) {
                b.append('%').append(String.format("%02X", (int) c & 0xFF));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? raw : b.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
