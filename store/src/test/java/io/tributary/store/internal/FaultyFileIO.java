package io.tributary.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link FileIO} on the real file system that injects the faults a disk and a machine can
 * produce: a full disk (ENOSPC on the Nth write, or on every write while "full"), a failing
 * fsync, a torn write (only the first bytes of a write reach the file, then an error or a
 * crash), a crash (every later operation fails: the process is gone) and a power loss (every
 * byte written since the file's last successful fsync is dropped).
 *
 * <p>Every fault has a target: a predicate on the file it applies to, so that, for instance, a
 * failing fsync hits the log segment the writer syncs and not the segment the background
 * preallocator syncs. Thread-safe: the store calls it from its writer, preallocator and caller
 * threads.
 *
 * <p>Limits of the power-loss model: it tracks file contents only (not directory entries), by
 * path; a file renamed with unsynced writes loses its record. The engine fsyncs every file
 * before it renames it, so this does not matter for the store.
 */
final class FaultyFileIO implements FileIO {
    /** The message of the IOException a full disk raises (what the JDK reports for ENOSPC). */
    static final String DISK_FULL = "No space left on device";
    /** The message of an injected fsync failure (what the JDK reports for EIO). */
    static final String IO_ERROR = "Input/output error";

    /** What a torn write does after writing its first bytes. */
    enum Tear {
        /** The write fails with ENOSPC after a partial write; the process goes on. */
        THROW,
        /** The process dies mid-write: this and every later operation fails. */
        CRASH
    }

    private final FileIO real = RealFileIO.INSTANCE;

    // Faults, all guarded by 'this'.
    private Predicate<Path> writeTarget = anyFile();
    private int failWriteIn;
    private boolean diskFull;
    private int tearIn;
    private int tearKeepBytes;
    private Tear tearMode = Tear.THROW;
    private Predicate<Path> forceTarget = anyFile();
    private int failForceIn;
    private boolean failAllForces;
    private volatile boolean crashed;
    private volatile boolean crashAtDirectoryFsync;
    private volatile boolean skipForces;
    private Hold hold;
    private Predicate<Path> holdTarget = anyFile();

    // Power-loss model: the bytes each unsynced write overwrote, per file, oldest first.
    private boolean trackUnsynced;
    private final Map<Path, List<PreImage>> unsynced = new LinkedHashMap<>();

    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger forces = new AtomicInteger();
    private final AtomicInteger failedWrites = new AtomicInteger();
    private final AtomicInteger failedForces = new AtomicInteger();

    /** A write held at the door until the test lets it through: to line up concurrent requests. */
    static final class Hold {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Waits until the held write has arrived (its writer thread is now blocked). */
        void awaitReached() {
            await(reached);
        }

        /** Lets the held write go on. */
        void release() {
            released.countDown();
        }

        private static void await(CountDownLatch latch) {
            try {
                if (!latch.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("timed out waiting for the held write");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private record PreImage(long position, byte[] oldBytes, long oldSize) {
    }

    // ------------------------------------------------------------------ targets

    /** Every file. */
    static Predicate<Path> anyFile() {
        return p -> true;
    }

    /** Installed log segments ({@code segment-NNN.log}): the writer's group writes and fsyncs. */
    static Predicate<Path> segmentFiles() {
        return p -> Segment.parseNumber(p.getFileName().toString()) >= 0;
    }

    /** Segments being preallocated ({@code segment-NNN.log.tmp}), before they are renamed into place. */
    static Predicate<Path> preallocatedSegments() {
        return p -> {
            String name = p.getFileName().toString();
            return name.startsWith("segment-") && name.endsWith(".log.tmp");
        };
    }

    /** The checkpoint file (written with {@link #writeAtomically}). */
    static Predicate<Path> checkpointFile() {
        return p -> p.getFileName().toString().equals("checkpoint");
    }

    // ------------------------------------------------------------------ arming faults

    /**
     * Holds the next write to a file matching {@code target} until {@link Hold#release()}; the
     * write is counted (and judged by the other faults) when it arrives, before it waits.
     */
    synchronized Hold holdNextWrite(Predicate<Path> target) {
        this.holdTarget = target;
        this.hold = new Hold();
        return hold;
    }

    /** The {@code n}th write (1 = the next) to a file matching {@code target} fails with ENOSPC, writing nothing. */
    synchronized FaultyFileIO failNthWrite(int n, Predicate<Path> target) {
        requirePositive(n);
        this.writeTarget = target;
        this.failWriteIn = n;
        return this;
    }

    /** Every write to a file matching {@code target} fails with ENOSPC until {@link #freeSpace()}. */
    synchronized FaultyFileIO diskFull(Predicate<Path> target) {
        this.writeTarget = target;
        this.diskFull = true;
        return this;
    }

    /** Clears every write fault: the disk has room again. */
    synchronized FaultyFileIO freeSpace() {
        this.diskFull = false;
        this.failWriteIn = 0;
        this.tearIn = 0;
        return this;
    }

    /**
     * The {@code n}th write (1 = the next) to a file matching {@code target} writes only its first
     * {@code keepBytes} bytes, then fails ({@link Tear#THROW}) or crashes the process ({@link Tear#CRASH}).
     */
    synchronized FaultyFileIO tearNthWrite(int n, int keepBytes, Tear mode, Predicate<Path> target) {
        requirePositive(n);
        this.writeTarget = target;
        this.tearIn = n;
        this.tearKeepBytes = keepBytes;
        this.tearMode = mode;
        return this;
    }

    /** The next fsync of a file matching {@code target} fails with EIO. */
    synchronized FaultyFileIO failNextForce(Predicate<Path> target) {
        this.forceTarget = target;
        this.failForceIn = 1;
        return this;
    }

    /** Every fsync of a file matching {@code target} fails with EIO until {@link #healForces()}. */
    synchronized FaultyFileIO failAllForces(Predicate<Path> target) {
        this.forceTarget = target;
        this.failAllForces = true;
        return this;
    }

    /** Clears the fsync faults. */
    synchronized FaultyFileIO healForces() {
        this.failForceIn = 0;
        this.failAllForces = false;
        return this;
    }

    /**
     * fsync returns at once without flushing: a disk whose write cache ignores flushes. Only for
     * tests that never cut the power, where it saves the fsync latency.
     */
    FaultyFileIO skipForces() {
        skipForces = true;
        return this;
    }

    /** The process dies now: every later operation fails, nothing more reaches the files. */
    FaultyFileIO crash() {
        crashed = true;
        return this;
    }

    /**
     * The process dies at the next directory fsync: after a rename (a segment installed at a roll,
     * a segment swapped by a scavenge) and before it was made durable or acted upon.
     */
    FaultyFileIO crashAtNextDirectoryFsync() {
        crashAtDirectoryFsync = true;
        return this;
    }

    /** True once a crash was simulated. */
    boolean crashed() {
        return crashed;
    }

    /** Starts recording what each write overwrites, so that {@link #loseUnsyncedWrites()} can undo it. */
    synchronized FaultyFileIO trackUnsyncedWrites() {
        this.trackUnsynced = true;
        return this;
    }

    /**
     * Power loss: restores every tracked file to its content at its last successful fsync, and
     * empties the files written with {@link #writeDerived} and not synced since.
     * Call it once the store is closed (or crashed): it rewrites the files directly.
     *
     * @return the number of writes undone
     */
    synchronized int loseUnsyncedWrites() throws IOException {
        int undone = 0;
        for (Map.Entry<Path, List<PreImage>> e : unsynced.entrySet()) {
            if (!Files.exists(e.getKey())) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(e.getKey(), StandardOpenOption.WRITE)) {
                List<PreImage> images = e.getValue();
                for (int i = images.size() - 1; i >= 0; i--) {
                    PreImage img = images.get(i);
                    ByteBuffer old = ByteBuffer.wrap(img.oldBytes());
                    long pos = img.position();
                    while (old.hasRemaining()) {
                        pos += ch.write(old, pos);
                    }
                    if (ch.size() > img.oldSize()) {
                        ch.truncate(img.oldSize());
                    }
                    undone++;
                }
                ch.force(true);
            }
        }
        unsynced.clear();
        // A file written without fsync keeps its new name but loses its data (delayed allocation).
        for (Path p : derivedUnsynced) {
            if (Files.exists(p)) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(0);
                    ch.force(true);
                }
                undone++;
            }
        }
        derivedUnsynced.clear();
        return undone;
    }

    /** Writes attempted so far (through channels and {@link #writeAtomically}). */
    int writes() {
        return writes.get();
    }

    /** fsyncs attempted so far. */
    int forces() {
        return forces.get();
    }

    /** Writes that failed by injection. */
    int failedWrites() {
        return failedWrites.get();
    }

    /** fsyncs that failed by injection. */
    int failedForces() {
        return failedForces.get();
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
    }

    // ------------------------------------------------------------------ decisions

    private enum WriteFault { NONE, FAIL, TEAR }

    private synchronized WriteFault decideWrite(Path file) throws IOException {
        checkAlive();
        writes.incrementAndGet();
        if (!writeTarget.test(file)) {
            return WriteFault.NONE;
        }
        if (diskFull) {
            failedWrites.incrementAndGet();
            return WriteFault.FAIL;
        }
        if (failWriteIn > 0 && --failWriteIn == 0) {
            failedWrites.incrementAndGet();
            return WriteFault.FAIL;
        }
        if (tearIn > 0 && --tearIn == 0) {
            failedWrites.incrementAndGet();
            return WriteFault.TEAR;
        }
        return WriteFault.NONE;
    }

    private synchronized boolean decideForceFails(Path file) throws IOException {
        checkAlive();
        forces.incrementAndGet();
        if (!forceTarget.test(file)) {
            return false;
        }
        if (failAllForces || (failForceIn > 0 && --failForceIn == 0)) {
            failedForces.incrementAndGet();
            return true;
        }
        return false;
    }

    private synchronized Hold takeHold(Path file) {
        if (hold == null || !holdTarget.test(file)) {
            return null;
        }
        Hold h = hold;
        hold = null;
        return h;
    }

    private void checkAlive() throws IOException {
        if (crashed) {
            throw new IOException("simulated crash: the process is gone");
        }
    }

    private synchronized void recordPreImage(Path file, FileIO.LogChannel ch, long position, int length)
            throws IOException {
        if (!trackUnsynced) {
            return;
        }
        long size = ch.size();
        int existing = (int) Math.max(0, Math.min(length, size - position));
        ByteBuffer old = ByteBuffer.allocate(existing);
        while (old.hasRemaining()) {
            if (ch.read(old, position + old.position()) < 0) {
                break;
            }
        }
        unsynced.computeIfAbsent(file, k -> new ArrayList<>())
                .add(new PreImage(position, Arrays.copyOf(old.array(), old.position()), size));
    }

    private synchronized void synced(Path file) {
        unsynced.remove(file);
        derivedUnsynced.remove(file);
    }

    /** Files written with {@link #writeDerived} and not synced since (tracked like {@link #unsynced}). */
    private final java.util.Set<Path> derivedUnsynced = new java.util.HashSet<>();

    // ------------------------------------------------------------------ FileIO

    @Override
    public LogChannel open(Path file, boolean create) throws IOException {
        checkAlive();
        return new Channel(file.toAbsolutePath().normalize(), real.open(file, create));
    }

    @Override
    public void writeAtomically(Path file, byte[] bytes) throws IOException {
        if (decideWrite(file) != WriteFault.NONE) {
            throw new IOException(DISK_FULL);
        }
        real.writeAtomically(file, bytes);
    }

    @Override
    public void writeDerived(Path file, byte[] bytes) throws IOException {
        if (decideWrite(file) != WriteFault.NONE) {
            throw new IOException(DISK_FULL);
        }
        real.writeDerived(file, bytes);
        synchronized (this) {
            if (trackUnsynced) {
                derivedUnsynced.add(file);
            }
        }
    }

    @Override
    public void fsyncDirectory(Path directory) throws IOException {
        checkAlive();
        if (crashAtDirectoryFsync) {
            crashed = true;
            throw new IOException("simulated crash before a directory fsync: the process is gone");
        }
        real.fsyncDirectory(directory);
    }

    private final class Channel implements LogChannel {
        private final Path file;
        private final LogChannel ch;

        Channel(Path file, LogChannel ch) {
            this.file = file;
            this.ch = ch;
        }

        @Override
        public void writeFully(ByteBuffer src, long position) throws IOException {
            WriteFault fault = decideWrite(file);
            Hold h = takeHold(file);
            if (h != null) {
                h.reached.countDown();
                Hold.await(h.released);
            }
            if (fault == WriteFault.FAIL) {
                throw new IOException(DISK_FULL);
            }
            recordPreImage(file, ch, position, src.remaining());
            if (fault == WriteFault.TEAR) {
                int keep = Math.min(tearKeepBytes, src.remaining());
                ByteBuffer head = src.duplicate();
                head.limit(head.position() + keep);
                ch.writeFully(head, position);
                if (tearMode == Tear.CRASH) {
                    crashed = true;
                    throw new IOException("simulated crash in the middle of a write: the process is gone");
                }
                throw new IOException(DISK_FULL);
            }
            ch.writeFully(src, position);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            checkAlive();
            return ch.read(dst, position);
        }

        @Override
        public void force() throws IOException {
            if (decideForceFails(file)) {
                throw new IOException(IO_ERROR);
            }
            if (!skipForces) {
                ch.force();
            }
            synced(file);
        }

        @Override
        public long size() throws IOException {
            checkAlive();
            return ch.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            checkAlive();
            recordPreImage(file, ch, size, (int) Math.max(0, Math.min(Integer.MAX_VALUE, ch.size() - size)));
            ch.truncate(size);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
