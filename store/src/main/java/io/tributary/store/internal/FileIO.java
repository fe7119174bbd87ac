package io.tributary.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The store's only door to the file system, so tests can inject faults (torn writes, disk full,
 * fsync failure) without touching the engine.
 */
public interface FileIO {

    /** Opens (creating if {@code create}) a file for positional reads and writes. */
    LogChannel open(Path file, boolean create) throws IOException;

    /** Writes {@code bytes} to {@code file} atomically: temp file, fsync, rename, directory fsync. */
    void writeAtomically(Path file, byte[] bytes) throws IOException;

    /**
     * Writes {@code bytes} to {@code file} through a temp file and a rename, without fsync: for
     * derived files that are checked when read (checksum) and rebuilt when lost or torn, whose
     * fsyncs would only hold up the log's.
     */
    void writeDerived(Path file, byte[] bytes) throws IOException;

    /** Makes a rename or creation in {@code directory} durable. */
    void fsyncDirectory(Path directory) throws IOException;

    /** A file opened through {@link FileIO}. */
    interface LogChannel extends AutoCloseable {
        /** Writes all of {@code src} at {@code position}. */
        void writeFully(ByteBuffer src, long position) throws IOException;

        /** Reads into {@code dst} from {@code position}; returns bytes read, -1 at end of file. */
        int read(ByteBuffer dst, long position) throws IOException;

        /** Flushes written data to stable storage ({@code fdatasync}). */
        void force() throws IOException;

        /** The file's size in bytes. */
        long size() throws IOException;

        /** Cuts the file to {@code size} bytes. */
        void truncate(long size) throws IOException;

        @Override
        void close() throws IOException;
    }
}
