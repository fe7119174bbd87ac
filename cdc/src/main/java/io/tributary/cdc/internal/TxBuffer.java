package io.tributary.cdc.internal;

import io.tributary.cdc.CdcException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The raw pgoutput messages of one transaction until it commits: in memory up to a byte budget,
 * then in a spill file, so a transaction of any size takes bounded memory. Replayed once, in order.
 */
public final class TxBuffer implements AutoCloseable {
    private final long maxMemoryBytes;
    private final Path spillDirectory;
    private final List<byte[]> memory = new ArrayList<>();
    private long memoryBytes;
    private Path spillFile;
    private DataOutputStream spill;
    private long count;

    /** An empty buffer. */
    public TxBuffer(long maxMemoryBytes, Path spillDirectory) {
        this.maxMemoryBytes = maxMemoryBytes;
        this.spillDirectory = spillDirectory;
    }

    /** Adds a copy of the message in {@code buffer} (its remaining bytes). */
    public void add(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        count++;
        try {
            if (spill == null && memoryBytes + bytes.length <= maxMemoryBytes) {
                memory.add(bytes);
                memoryBytes += bytes.length;
                return;
            }
            if (spill == null) {
                Files.createDirectories(spillDirectory);
                spillFile = Files.createTempFile(spillDirectory, "tributary-cdc-tx-", ".spill");
                spill = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spillFile), 1 << 16));
            }
            spill.writeInt(bytes.length);
            spill.write(bytes);
        } catch (IOException e) {
            throw new CdcException("cannot spill a large transaction to " + spillDirectory + ": " + e.getMessage(), e);
        }
    }

    /** Number of messages buffered. */
    public long size() {
        return count;
    }

    /** Whether part of the transaction is on disk. */
    public boolean spilled() {
        return spill != null;
    }

    /** Hands every message to {@code each}, in order. */
    public void replay(Consumer<ByteBuffer> each) {
        for (byte[] b : memory) {
            each.accept(ByteBuffer.wrap(b));
        }
        if (spill == null) {
            return;
        }
        try {
            spill.flush();
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spillFile), 1 << 16))) {
                while (true) {
                    int n;
                    try {
                        n = in.readInt();
                    } catch (EOFException end) {
                        return;
                    }
                    byte[] b = new byte[n];
                    in.readFully(b);
                    each.accept(ByteBuffer.wrap(b));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the spill file. */
    @Override
    public void close() {
        memory.clear();
        if (spill != null) {
            try {
                spill.close();
                Files.deleteIfExists(spillFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            spill = null;
        }
    }
}
