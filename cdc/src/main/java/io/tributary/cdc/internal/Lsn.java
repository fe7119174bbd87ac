package io.tributary.cdc.internal;

/** PostgreSQL log sequence numbers: 64-bit positions written {@code X/Y} in hex. */
public final class Lsn {
    private Lsn() {
    }

    /** The {@code X/Y} form. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /** Parses {@code X/Y}. */
    public static long parse(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
