package io.tributary.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * One preallocated segment file of the log: a 64-byte header, then frames, then zeros.
 */
public final class Segment {
    /** Size of the segment header; the first frame starts here. */
    public static final int HEADER_BYTES = 64;
    private static final byte[] MAGIC = "TRIBLOG1".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;

    private final long number;
    private final Path path;
    private final FileIO.LogChannel channel;

    Segment(long number, Path path, FileIO.LogChannel channel) {
        this.number = number;
        this.path = path;
        this.channel = channel;
    }

    /** The segment's sequence number. */
    public long number() {
        return number;
    }

    /** The segment's file. */
    public Path path() {
        return path;
    }

    /** The open channel (positional reads are thread-safe). */
    public FileIO.LogChannel channel() {
        return channel;
    }

    /** The file name of segment {@code number}. */
    public static String fileName(long number) {
        return String.format("segment-%012d.log", number);
    }

    /** Parses a segment number from a file name, -1 if it is not a segment file. */
    static long parseNumber(String fileName) {
        if (!fileName.startsWith("segment-") || !fileName.endsWith(".log")) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring("segment-".length(), fileName.length() - ".log".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The header bytes of segment {@code number}. */
    static ByteBuffer header(long number) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).putInt(FORMAT).putLong(number);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 20);
        b.putInt((int) crc.getValue());
        b.clear();
        return b;
    }

    /** Checks the header of an opened segment; returns a problem description or null. */
    static String checkHeader(FileIO.LogChannel ch, long expectedNumber) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                return "file shorter than its header";
            }
        }
        b.flip();
        if (!b.equals(header(expectedNumber))) {
            return "bad segment header (expected magic TRIBLOG1, format " + FORMAT + ", number " + expectedNumber + ")";
        }
        return null;
    }

    /** Closes the channel, ignoring errors (used on shutdown). */
    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the file is being dropped.
        }
    }
}
