package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.store.DataDirectoryLockedException;
import io.tributary.store.VerificationReport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** The offline verifier behind {@link io.tributary.store.Verifier}. */
public final class LogVerifier {
    private static final int MAX_PROBLEMS = 1000;

    private LogVerifier() {
    }

    /** Verifies {@code dir}; see {@link io.tributary.store.Verifier#verify}. */
    public static VerificationReport verify(Path dir) {
        if (!Files.isDirectory(dir.resolve("log"))) {
            throw new StorageException("cannot verify " + dir + ": it is not a Tributary data directory (no log/ inside)", null);
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DataDirectoryLockedException(dir);
            }
            try {
                return verifyLocked(dir);
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new StorageException("cannot verify " + dir + ": " + e.getMessage(), e);
        }
    }

    private static VerificationReport verifyLocked(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path cpFile = dir.resolve("checkpoint");
        Checkpoint cp = Files.exists(cpFile) ? Checkpoint.fromBytes(Files.readAllBytes(cpFile)) : null;
        if (cp == null) {
            notes.add("no valid checkpoint file: every bad frame is reported as a problem");
        }
        long frames = 0;
        long events = 0;
        long nextPosition = -1;
        Map<String, Long> lastVersions = new HashMap<>();
        Map<String, Long> lastPositions = new HashMap<>();
        Map<Long, long[]> frameLocations = new HashMap<>();
        Checkpoint end = null;
        int segmentCount;
        Path indexDir = dir.resolve("index");
        Index index = null;
        Checkpoint indexCp = null;
        if (Files.isDirectory(indexDir)) {
            try {
                index = Index.openReadOnly(indexDir);
                indexCp = index.checkpoint();
            } catch (RocksDBException e) {
                problem(problems, "index in " + indexDir + " cannot be opened: " + e.getMessage()
                        + " (it is derived data: delete it and the next open rebuilds it)");
            }
        }
        List<IdChunk> idChunks = idChunks(indexDir.resolve(Index.ID_DIR), problems, notes);
        long indexedEvents = 0;
        try {
        // Frames are checked with the largest frame any configuration allows.
        int maxFrame = Integer.MAX_VALUE - 64;
        try (SegmentSet segments = SegmentSet.open(dir.resolve("log"), RealFileIO.INSTANCE, Long.MAX_VALUE, false)) {
            segmentCount = segments.count();
            for (Segment seg : segments.all()) {
                String header = Segment.checkHeader(seg.channel(), seg.number());
                if (header != null) {
                    problems.add(seg.path() + " offset 0: " + header);
                    continue;
                }
                // A segment that exists is part of the log even before its first frame (a crash
                // right after a roll leaves the log ending at its start).
                end = new Checkpoint(seg.number(), Segment.HEADER_BYTES, nextPosition + 1);
                long size = seg.channel().size();
                SegmentScanner sc = new SegmentScanner(seg.channel(), Segment.HEADER_BYTES, size, maxFrame, 4 << 20);
                long runOffset = -1; // where a large append's frames began, until its last frame
                while (sc.next() == SegmentScanner.Kind.FRAME) {
                    frames++;
                    end = new Checkpoint(seg.number(), sc.offset(), nextPosition + 1);
                    if (!(sc.frame() instanceof Frame.Events ev)) {
                        if (runOffset >= 0) {
                            problem(problems, seg.path() + " offset " + sc.frameOffset()
                                    + ": a control frame inside the frames of the large append that begins at offset " + runOffset);
                            runOffset = -1;
                        }
                        continue;
                    }
                    if (ev.continued() && runOffset < 0) {
                        runOffset = sc.frameOffset();
                    } else if (!ev.continued()) {
                        runOffset = -1;
                    }
                    frameLocations.put(ev.firstPosition(), new long[] {seg.number(), sc.frameOffset(), ev.lastPosition()});
                    for (RecordedEvent e : ev.events()) {
                        events++;
                        if (e.position() <= nextPosition) {
                            problem(problems, seg.path() + " offset " + sc.frameOffset() + ": position " + e.position()
                                    + " does not increase (previous " + nextPosition + ")");
                        }
                        nextPosition = e.position();
                        String s = e.stream().value();
                        Long prev = lastVersions.get(s);
                        if (prev != null && e.version() <= prev) {
                            problem(problems, seg.path() + " offset " + sc.frameOffset() + ": stream " + s + " version "
                                    + e.version() + " does not increase (previous " + prev + ")");
                        }
                        lastVersions.put(s, e.version());
                        lastPositions.put(s, e.position());
                        if (index != null && indexCp != null && e.position() < indexCp.nextPosition()) {
                            indexedEvents++;
                            checkEventIndexed(index, e, seg, sc.frameOffset(), problems);
                        }
                        checkEventId(idChunks, e, seg, sc.frameOffset(), problems);
                    }
                    end = new Checkpoint(seg.number(), sc.offset(), nextPosition + 1);
                }
                if (runOffset >= 0) {
                    boolean pastCheckpoint = cp != null && (seg.number() > cp.segment()
                            || (seg.number() == cp.segment() && runOffset >= cp.offset()));
                    String what = seg.path() + " offset " + runOffset + ": a large append whose last frame is missing";
                    if (pastCheckpoint && seg.number() == segments.last().number()) {
                        notes.add(what + ", past the checkpoint; the next open discards it");
                    } else {
                        problem(problems, what);
                    }
                }
                if (sc.kind() == SegmentScanner.Kind.INVALID) {
                    boolean pastCheckpoint = cp != null && (seg.number() > cp.segment()
                            || (seg.number() == cp.segment() && sc.frameOffset() >= cp.offset()));
                    if (pastCheckpoint && seg.number() == segments.last().number()) {
                        notes.add(seg.path() + " offset " + sc.frameOffset() + ": torn write past the checkpoint ("
                                + sc.problem() + "); the next open discards it");
                    } else {
                        problem(problems, seg.path() + " offset " + sc.frameOffset() + ": " + sc.problem());
                    }
                }
            }
        }
        for (IdChunk c : idChunks) {
            if (c.to() > nextPosition) {
                notes.add("event-id index file " + c.path().getFileName() + " covers positions up to " + c.to()
                        + ", past the log's last position " + nextPosition + ": the next open drops it");
            }
        }
        if (index != null) {
            checkIndex(index, frameLocations, lastVersions, lastPositions, end, indexedEvents, problems, notes);
        } else if (!Files.isDirectory(indexDir)) {
            notes.add("no index directory: the next open builds it from the log");
        }
        } finally {
            if (index != null) {
                index.close();
            }
        }
        Set<String> streams = new HashSet<>(lastVersions.keySet());
        return new VerificationReport(segmentCount, frames, events, streams.size(), nextPosition, problems, notes);
    }

    private static void checkEventIndexed(Index index, RecordedEvent e, Segment seg, long offset, List<String> problems) {
        Index.VersionEntry v = index.version(e.stream().value(), e.version());
        String where = seg.path() + " offset " + offset + ": event " + e.stream() + "@" + e.version();
        if (v == null) {
            problem(problems, where + " has no entry in the stream index");
        } else if (v.position() != e.position()) {
            problem(problems, where + " is indexed at position " + v.position() + " but the log has position " + e.position());
        }
        if (!index.hasPosting(index.categories, Keys.utf8(e.stream().category()), e.position())) {
            problem(problems, where + " is missing from the category index");
        }
        if (!index.hasPosting(index.types, Keys.utf8(e.type()), e.position())) {
            problem(problems, where + " is missing from the event-type index");
        }
    }

    /**
     * The event-id chunk files that the next open keeps (those that follow each other from
     * position 0), each checked against its checksum; the others are noted (the open drops them).
     */
    private static List<IdChunk> idChunks(Path dir, List<String> problems, List<String> notes) {
        List<IdChunk> chain = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return chain;
        }
        List<Path> files = new ArrayList<>();
        try (var ds = Files.newDirectoryStream(dir, "*" + IdChunk.SUFFIX)) {
            ds.forEach(files::add);
        } catch (IOException e) {
            problem(problems, "cannot list the event-id index in " + dir + ": " + e.getMessage());
            return chain;
        }
        files.sort(null);
        long expected = 0;
        for (Path f : files) {
            IdChunk c;
            try {
                c = IdChunk.open(f);
            } catch (IOException e) {
                problem(problems, f + ": " + e.getMessage() + " (derived data: delete it and the next open rebuilds it)");
                continue;
            }
            String bad = c.verify();
            if (bad != null) {
                problem(problems, f + ": " + bad + " (derived data: delete it and the next open rebuilds it)");
            } else if (c.from() != expected) {
                notes.add(f + " does not follow the event-id chunk before it (it starts at " + c.from() + ", expected "
                        + expected + "): the next open drops it");
            } else {
                chain.add(c);
                expected = c.to() + 1;
            }
        }
        return chain;
    }

    /** Checks that the id chunk covering the event's position has its id. */
    private static void checkEventId(List<IdChunk> chunks, RecordedEvent e, Segment seg, long offset, List<String> problems) {
        IdChunk c = null;
        int lo = 0;
        int hi = chunks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            IdChunk m = chunks.get(mid);
            if (e.position() < m.from()) {
                hi = mid - 1;
            } else if (e.position() > m.to()) {
                lo = mid + 1;
            } else {
                c = m;
                break;
            }
        }
        if (c == null) {
            return; // past the chunks: the next open reads it from the log
        }
        long hash = KeyFilter.idHash(e.eventId(), Keys.streamHash(Keys.utf8(e.stream().value())));
        if (c.find(hash, p -> p == e.position()) < 0) {
            problem(problems, seg.path() + " offset " + offset + ": event " + e.stream() + "@" + e.version() + " (id "
                    + e.eventId() + ") is missing from the event-id index file " + c.path().getFileName());
        }
    }

    private static void checkIndex(Index index, Map<Long, long[]> frameLocations, Map<String, Long> lastVersions,
                                   Map<String, Long> lastPositions, Checkpoint logEnd, long indexedEvents,
                                   List<String> problems, List<String> notes) {
        {
            Checkpoint icp = index.checkpoint();
            if (icp == null) {
                notes.add("the index is empty: the next open builds it from the log");
                return;
            }
            if (logEnd != null && !icp.equals(logEnd)) {
                notes.add("the index covers the log up to " + icp + ", the log ends at " + logEnd
                        + ": the next open brings the index up to date");
                if (!logEnd.atOrAfter(icp)) {
                    problem(problems, "the index is ahead of the log (index " + icp + ", log " + logEnd + ")");
                }
            }
            long indexedUpTo = icp.nextPosition() - 1;
            // Every indexed frame must be where the index says.
            try (RocksIterator it = index.iterator(index.positions)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    long first = Keys.getLong(it.key(), 0);
                    long[] actual = frameLocations.get(first);
                    long seg = Keys.getLong(it.value(), 0);
                    long off = Keys.getLong(it.value(), 8);
                    if (actual == null || actual[0] != seg || actual[1] != off || actual[2] != Keys.getLong(it.value(), 16)) {
                        problem(problems, "index: frame at position " + first + " recorded at segment " + seg + " offset "
                                + off + " but the log " + (actual == null ? "has no such frame" : "has it at segment "
                                + actual[0] + " offset " + actual[1]));
                    }
                }
            }
            for (Map.Entry<Long, long[]> f : frameLocations.entrySet()) {
                if (f.getKey() <= indexedUpTo && index.frameAtOrBefore(f.getKey()) != null
                        && index.frameAtOrBefore(f.getKey()).firstPosition() != f.getKey()) {
                    problem(problems, "index: no entry for the frame at position " + f.getKey());
                }
            }
            // Every stream record must match the log.
            for (Map.Entry<String, Long> e : lastVersions.entrySet()) {
                if (lastPositions.get(e.getKey()) > indexedUpTo) {
                    continue;
                }
                StreamRecord r = index.stream(e.getKey());
                if (r == null) {
                    problem(problems, "index: stream " + e.getKey() + " is in the log but not in the index");
                } else if (r.lastVersion() < e.getValue()) {
                    problem(problems, "index: stream " + e.getKey() + " last version " + r.lastVersion()
                            + " but the log has version " + e.getValue());
                }
            }
            // Every version entry must point at an event of that stream and version.
            long versionEntries = 0;
            try (RocksIterator it = index.iterator(index.versions)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    versionEntries += Keys.getInt(it.value(), 8);
                    byte[] k = it.key();
                    String stream = new String(k, 0, k.length - 9, StandardCharsets.UTF_8);
                    long version = Keys.suffixNumber(k);
                    long position = Keys.getLong(it.value(), 0) + Keys.getInt(it.value(), 8) - 1;
                    if (!lastVersions.containsKey(stream)) {
                        problem(problems, "index: version entry " + stream + "@" + version + " for a stream not in the log");
                    } else if (position > indexedUpTo) {
                        problem(problems, "index: version entry " + stream + "@" + version + " beyond the index checkpoint");
                    }
                }
            }
            if (versionEntries != indexedEvents) {
                problem(problems, "index: " + versionEntries + " events in the stream index for " + indexedEvents
                        + " indexed events in the log (stale or missing entries)");
            }
        }
    }

    private static void problem(List<String> problems, String p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        }
    }
}
