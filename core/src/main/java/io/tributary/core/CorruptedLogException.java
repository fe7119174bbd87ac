package io.tributary.core;

/**
 * The log holds bytes that fail their checksum (or do not parse) at a place that was known to
 * be durable: this is corruption, not a torn write, and it is never skipped silently. Restore
 * the file from a backup or run the verifier for a full report.
 */
public final class CorruptedLogException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final long offset;

    /** Creates the exception for the frame at {@code offset} of {@code file}. */
    public CorruptedLogException(String file, long offset, String detail) {
        super("corrupted log: " + file + " at offset " + offset + ": " + detail
                + "; the data directory needs attention (run the verifier, restore the segment from a backup)");
        this.file = file;
        this.offset = offset;
    }

    /** The file that holds the corrupted bytes. */
    public String file() {
        return file;
    }

    /** The byte offset of the corrupted frame in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
