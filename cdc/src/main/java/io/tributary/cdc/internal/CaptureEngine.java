package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.CdcStatus;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.SnapshotMode;
import io.tributary.cdc.SourceConfigurationException;
import io.tributary.core.EventStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL capture: {@link #prepare()} checks the source and sets up publication and slot
 * (on the caller's thread, so configuration errors surface at once); {@link #run()} takes or
 * resumes the snapshot, then streams committed transactions from the slot into the log, one
 * atomic append per transaction, acknowledging the slot only up to what is durable.
 */
public final class CaptureEngine implements CaptureThread.Engine {
    /** The prefix of heartbeat messages. */
    public static final String HEARTBEAT_PREFIX = "tributary.heartbeat";
    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngine.class);
    private static final long IDLE_POLL_MS = 5;
    private static final int INBOX_MESSAGES = 16_384;

    private final EventStore store;
    private final PostgresSource source;
    private final ObjectMapper json = new ObjectMapper();
    private final SourceSetup setup;
    private final LogWriter<OffsetState> writer;
    private Connection catalog;
    private Connection replication;
    private Connection snapshotConnection;
    private Connection recoveryReplication;
    private ReplicationSlotInfo exported;
    private ChangeMapper mapper;
    /** Drops streamed changes a resumed snapshot range already holds; null once streaming is past them all. */
    private SegmentGate gate;
    private final PgOutputDecoder decoder = new PgOutputDecoder();
    private final PgOutputDecoder replayDecoder = new PgOutputDecoder();
    private volatile boolean stopping;
    private volatile CdcStatus.State state = CdcStatus.State.STARTING;
    private volatile OffsetState durable = OffsetState.empty();
    private volatile String lastError;
    private volatile Throwable failure;
    private volatile long lagMs;

    /** An engine appending {@code source}'s changes to {@code store}. */
    public CaptureEngine(EventStore store, PostgresSource source) {
        this.store = store;
        this.source = source;
        this.setup = new SourceSetup(source);
        this.writer = new LogWriter<>(store, source.offsetStream(), json, source.maxAppendBytes(), source.name(),
                OffsetState::fromJson, OffsetState.empty());
    }

    /** Checks the source, creates publication and slot as needed; throws {@link SourceConfigurationException}. */
    @Override
    public void prepare() {
        try {
            catalog = setup.connect();
            setup.check(catalog);
            setup.ensurePublication(catalog);
            TypeCatalog types = new TypeCatalog(catalog);
            mapper = new ChangeMapper(source, json, new ValueConverter(json, types), new RelationCache(catalog, source),
                    catalog.getCatalog());
            OffsetState st = writer.load();
            durable = st;
            Optional<Long> slot = setup.slot(catalog);
            boolean lost = slot.isPresent() && setup.slotLost(catalog);
            if (lost && writer.hasPosition() && source.snapshotMode() != SnapshotMode.WHEN_NEEDED) {
                throw new SourceConfigurationException("replication slot '" + source.slotName() + "' was invalidated by the"
                        + " server (wal_status lost: it fell behind max_slot_wal_keep_size and the WAL it needs is removed), and"
                        + " the log holds connector '" + source.name() + "' at " + Lsn.format(st.lsn()) + ": changes after it"
                        + " are lost. Drop the slot and delete the stream " + source.offsetStream() + " (and the captured streams)"
                        + " to start over with a new snapshot, or set snapshotMode WHEN_NEEDED to start over here with a new"
                        + " snapshot; raise max_slot_wal_keep_size (or keep the capture running) so that it does not happen again");
            }
            boolean startOver = writer.hasPosition() && (slot.isEmpty() || lost) && source.snapshotMode() == SnapshotMode.WHEN_NEEDED;
            if (startOver) {
                LOG.warn("capture '{}': replication slot '{}' is {} (the log holds the capture at {}): changes after it"
                                + " are lost; starting over with a new slot and snapshot (snapshotMode WHEN_NEEDED)",
                        source.name(), source.slotName(), lost ? "invalidated (wal_status lost)" : "missing", Lsn.format(st.lsn()));
            }
            if (!writer.hasPosition() || startOver) {
                if (slot.isPresent()) {
                    // A slot without a position in the log (nothing of it reached the log), or an invalidated one: start over.
                    setup.dropSlot(catalog);
                }
                replication = setup.connectForReplication();
                exported = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                        .withSlotName(source.slotName()).withOutputPlugin("pgoutput").make();
                long point = exported.getConsistentPoint().asLong();
                OffsetState.Snapshot snap = null;
                if (source.snapshotMode() != SnapshotMode.NEVER) {
                    List<OffsetState.TableProgress> tables = new ArrayList<>();
                    List<OffsetState.Segment> segments = new ArrayList<>();
                    for (String t : setup.publishedTables(catalog)) {
                        tables.add(new OffsetState.TableProgress(t, List.of(), false, 0));
                        segments.add(new OffsetState.Segment(t, List.of(), point));
                    }
                    snap = new OffsetState.Snapshot(point, tables, segments, false);
                }
                writer.commit(new OffsetState(point, null, snap, 0));
            } else {
                if (slot.isEmpty()) {
                    throw new SourceConfigurationException("replication slot '" + source.slotName() + "' is missing, but the log"
                            + " holds connector '" + source.name() + "' at " + Lsn.format(st.lsn()) + ": changes after it may be"
                            + " lost. Delete the stream " + source.offsetStream() + " (and the captured streams) to start over"
                            + " with a new snapshot, or set snapshotMode WHEN_NEEDED to start over here with a new snapshot");
                }
                setup.checkSlotIdle(catalog);
                if (slot.get() > st.lsn()) {
                    // The server resumes at its confirmed position, not ours: transactions committed in between are
                    // not sent again. We confirm only durable positions; a slot last used by a capture that still had
                    // pgjdbc's automatic flush on may be past ours (usually harmlessly, over idle WAL).
                    LOG.warn("replication slot '{}' is confirmed at {}, past the position {} in the log of connector '{}':"
                                    + " the server will not send transactions committed in between again; if any"
                                    + " of them changed captured tables, they are missing from the log",
                            source.slotName(), Lsn.format(slot.get()), Lsn.format(st.lsn()), source.name());
                }
                st = withPublishedTables(st);
                if (!st.snapshotDone()) {
                    // The exported snapshot died with the crashed capture (or tables were added since): the rest is read
                    // in a new one, taken by a temporary slot at a later point; SegmentGate drops streamed changes that it
                    // already covers.
                    recoveryReplication = setup.connectForReplication();
                    exported = recoveryReplication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                            .logical().withSlotName(source.slotName() + "_resume").withTemporaryOption()
                            .withOutputPlugin("pgoutput").make();
                    long point = exported.getConsistentPoint().asLong();
                    List<OffsetState.Segment> segments = new ArrayList<>(st.snapshot().segments());
                    for (OffsetState.TableProgress t : st.snapshot().tables()) {
                        if (!t.done()) {
                            segments.add(new OffsetState.Segment(t.table(), t.lastKey(), point));
                        }
                    }
                    writer.commit(st.withSnapshot(new OffsetState.Snapshot(st.snapshot().slotPoint(), st.snapshot().tables(),
                            segments, false)));
                } else if (st != writer.state()) {
                    writer.commit(st); // tables no longer published: forgotten, so that publishing one again reads it again
                }
                replication = setup.connectForReplication();
            }
            durable = writer.durable(true);
        } catch (SQLException e) {
            closeQuietly();
            String message = String.valueOf(e.getMessage());
            throw new SourceConfigurationException("cannot prepare the capture '" + source.name() + "' of " + source.jdbcUrl()
                    + ": " + message + (message.contains("slot") ? "; check max_replication_slots and that no other capture"
                    + " uses the slot '" + source.slotName() + "'" : ""), e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * {@code st} with its snapshot's tables brought in line with the publication, when the capture took an initial
     * snapshot and the publication lists its tables: a table published since (added to the source's {@code tables}, or
     * to a publication managed by hand) is added not yet copied, so that its rows are read in a snapshot of its own while
     * the others stream — otherwise only its later changes would ever arrive; a table no longer published is dropped
     * with its key ranges, so that publishing it again reads it again — not while a transaction is half appended (its
     * remaining rows are counted from those captured before). A {@code FOR ALL TABLES} or {@code FOR TABLES IN SCHEMA}
     * publication is left alone: a table missing from the list was created after the snapshot, and all its rows arrived
     * as changes.
     */
    private OffsetState withPublishedTables(OffsetState st) {
        OffsetState.Snapshot snap = st.snapshot();
        if (snap == null || setup.publicationGrowsByItself(catalog)) {
            return st;
        }
        List<String> published = setup.publishedTables(catalog);
        OffsetState.Reconciled r = OffsetState.Reconciled.of(snap.tables(), published);
        if (!r.changed()) {
            return st;
        }
        if (st.partial() != null && !r.removed().isEmpty()) {
            throw new SourceConfigurationException(r.refusalWhileHalfAppended("capture '" + source.name() + "'"));
        }
        List<OffsetState.Segment> segments = snap.segments().stream().filter(g -> published.contains(g.table())).toList();
        if (!r.added().isEmpty()) {
            LOG.info("capture '{}': {} published since its snapshot; reading {} in a snapshot while streaming goes on",
                    source.name(), r.added(), r.added().size() == 1 ? "it" : "them");
        }
        return new OffsetState(st.lsn(), st.partial(), new OffsetState.Snapshot(snap.slotPoint(), r.tables(), segments,
                snap.done() && r.added().isEmpty()), st.lagMs());
    }

    @Override
    public void run() {
        try {
            if (!writer.state().snapshotDone()) {
                state = CdcStatus.State.SNAPSHOTTING;
                snapshotConnection = setup.connect();
                new Snapshotter(source, mapper, writer, catalog, s -> durable = writer.durable(false))
                        .run(snapshotConnection, exported.getSnapshotName(), exported.getConsistentPoint().asLong(), () -> stopping);
                snapshotConnection.close();
                snapshotConnection = null;
                if (recoveryReplication != null) {
                    recoveryReplication.close();
                    recoveryReplication = null;
                }
            }
            durable = writer.durable(true);
            if (writer.state().snapshot() != null) {
                SegmentGate g = new SegmentGate(catalog, writer.state().snapshot());
                if (g.activeAt(writer.state().lsn())) {
                    gate = g;
                    mapper.gate(g);
                }
            }
            state = CdcStatus.State.STREAMING;
            stream();
            state = CdcStatus.State.STOPPED;
        } catch (Throwable e) {
            if (stopping) {
                state = CdcStatus.State.STOPPED;
            } else {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                failure = e;
                state = CdcStatus.State.FAILED;
                LOG.error("capture '{}' failed", source.name(), e);
            }
        } finally {
            closeQuietly();
        }
    }

    private void stream() throws SQLException {
        long start = writer.state().lsn();
        PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(source.slotName())
                .withStartPosition(LogSequenceNumber.valueOf(start))
                .withSlotOption("proto_version", "2")
                .withSlotOption("publication_names", source.publicationName())
                .withSlotOption("messages", "true")
                .withSlotOption("streaming", "true")
                .withStatusInterval((int) source.statusIntervalMs(), TimeUnit.MILLISECONDS)
                // pgjdbc's automatic flush (on by default) reports a keepalive's server LSN as flushed when the
                // start LSN of the last message received is at or below the last flushed LSN reported. A message
                // can start below it (a streamed chunk of an older open transaction, the Begin or a change of one
                // that started earlier) while a transaction received before it is still in flight to the log:
                // the slot was then confirmed past it, and a restart was forwarded over it (data loss; see
                // SlotAcknowledgementIT). Only ack() moves the flushed LSN, to what is durable in the log.
                .withAutomaticFlush(false)
                .start();
        // A transaction outside streamed chunks arrives only once committed (pgoutput sends it at its commit, its
        // Begin names the commit LSN): it is mapped and appended as its messages arrive, no buffering.
        long nextHeartbeat = System.nanoTime();
        // pgjdbc's non-blocking readPending() looks at the socket at most once a second, so a reader
        // thread blocks in read() and hands messages over through a bounded queue (back-pressure:
        // it waits when the queue is full). Handing them over in batches was tried (BENCHMARKS.md, CDC, branch
        // cdcbig2): through readPending() it added latency (pgjdbc 42.7's readPending() waits up to 1 ms on the
        // socket at each call with nothing buffered), through drainTo() on this side it gained nothing.
        BlockingQueue<ByteBuffer> inbox = new ArrayBlockingQueue<>(INBOX_MESSAGES);
        AtomicReference<Throwable> readError = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!stopping) {
                    ByteBuffer b = stream.read();
                    if (b == null) {
                        readError.set(new CdcException("the server ended the replication stream"));
                        break;
                    }
                    lastReadNanos = System.nanoTime();
                    inbox.put(b);
                }
            } catch (Throwable e) {
                readError.set(e);
            }
        }, "tributary-cdc-read-" + source.name());
        reader.setDaemon(true);
        reader.start();
        try {
            while (!stopping) {
                // Heartbeats go out on time even under load: a source busy with unselected tables must not pin WAL.
                if (source.heartbeatIntervalMs() > 0 && System.nanoTime() - nextHeartbeat >= 0) {
                    heartbeat();
                    nextHeartbeat = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(source.heartbeatIntervalMs());
                }
                ByteBuffer buf = inbox.poll();
                if (buf == null) {
                    ack(stream);
                    Throwable failed = readError.get();
                    if (failed != null) {
                        throw new CdcException("reading the replication stream failed: " + failed.getMessage(), failed);
                    }
                    try {
                        buf = inbox.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (buf == null) {
                        continue;
                    }
                }
                handle(buf);
                ack(stream);
            }
        } finally {
            if (!stopping) {
                // keep what is in flight: the next start resumes after the durable position anyway
                LOG.debug("stream loop ended");
            }
            streamed.values().forEach(TxBuffer::close);
            streamed.clear();
            streamedFirstNanos.clear();
            // Closing the connection ends the reader's blocking read.
            try {
                replication.close();
            } catch (SQLException e) {
                LOG.debug("closing the replication connection", e);
            }
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // The streaming loop's state, in fields so that one message's handling is a method of its own: small enough
    // for the JIT to compile once and reuse (as part of stream()'s loop it was compiled on stack replacement,
    // again and again — hundreds of ms of C2 time in each large transaction).
    private Live live;
    private final Map<Integer, TxBuffer> streamed = new HashMap<>();
    private final Map<Integer, Long> streamedFirstNanos = new HashMap<>();
    private final Map<Integer, Set<Integer>> abortedSubtransactions = new HashMap<>();
    private int streamingXid;
    /** When the reader thread last received a message (the timeline of large transactions, at debug level). */
    private volatile long lastReadNanos;
    /** The timeline of the transaction being handled: first message handled, commit message handled; 0 when none. */
    private long txFirstNanos;
    private long txCommitNanos;
    private long txCommitReadNanos;
    private static final int TIMELINE_MIN_EVENTS = 10_000;

    /** Handles one message of the replication stream. */
    private void handle(ByteBuffer buf) {
        PgMessage m = decoder.decode(buf);
        if (m instanceof PgMessage.Begin b) {
            txFirstNanos = System.nanoTime();
            live = begin(b.xid(), b.finalLsn(), b.commitTimeMicros());
        } else if (m instanceof PgMessage.Commit c) {
            if (live == null || live.tx.commitLsn != c.commitLsn()) {
                throw new CdcException("the replication stream sent a Commit at " + Lsn.format(c.commitLsn())
                        + " without its Begin");
            }
            txCommitNanos = System.nanoTime();
            txCommitReadNanos = lastReadNanos;
            end(live, c.endLsn());
            live = null;
        } else if (m instanceof PgMessage.StreamStart s) {
            if (s.firstSegment()) {
                streamedFirstNanos.put(s.xid(), System.nanoTime());
            }
            streamingXid = s.xid();
        } else if (m instanceof PgMessage.StreamStop) {
            streamingXid = 0;
        } else if (m instanceof PgMessage.StreamCommit c) {
            Long first = streamedFirstNanos.remove(c.xid());
            txFirstNanos = first == null ? System.nanoTime() : first;
            txCommitNanos = System.nanoTime();
            txCommitReadNanos = lastReadNanos;
            TxBuffer tx = streamed.remove(c.xid());
            Set<Integer> aborted = abortedSubtransactions.getOrDefault(c.xid(), Set.of());
            abortedSubtransactions.remove(c.xid());
            if (tx != null) {
                try (tx) {
                    apply(tx, true, c.xid(), c.commitLsn(), c.endLsn(), c.commitTimeMicros(), aborted);
                }
            }
        } else if (m instanceof PgMessage.StreamAbort a) {
            if (a.xid() == a.subxid()) {
                streamedFirstNanos.remove(a.xid());
                TxBuffer tx = streamed.remove(a.xid());
                if (tx != null) {
                    tx.close();
                }
                abortedSubtransactions.remove(a.xid());
            } else {
                abortedSubtransactions.computeIfAbsent(a.xid(), x -> new HashSet<>()).add(a.subxid());
            }
        } else if (m instanceof PgMessage.Message msg && !msg.transactional() && streamingXid == 0 && live == null) {
            standaloneMessage(msg);
        } else if (!(m instanceof PgMessage.Origin)) {
            if (m instanceof PgMessage.Relation r) {
                mapper.relations().update(r);
            }
            if (streamingXid != 0) {
                streamed.computeIfAbsent(streamingXid,
                        x -> new TxBuffer(source.maxTransactionMemoryBytes(), source.spillDirectory())).add(buf);
            } else if (live != null) {
                add(live, m);
            }
        }
    }

    /**
     * A committed transaction being mapped and appended: {@code skip} events of it are already in the log
     * (an interrupted chunked append); {@code done} when the log already holds all of it.
     */
    private record Live(ChangeMapper.Tx tx, long skip, boolean done) {
    }

    /** Starts a committed transaction whose commit record starts at {@code commitLsn}. */
    private Live begin(int xid, long commitLsn, long commitMicros) {
        OffsetState st = writer.state();
        ChangeMapper.Tx t = new ChangeMapper.Tx(xid, commitLsn, commitMicros, false);
        // Positions are end LSNs of commit records, heartbeat and consistent-point LSNs: none lies inside a commit
        // record, so the transaction is in the log exactly when its commit record starts before the position.
        if (commitLsn < st.lsn()) {
            return new Live(t, 0, true);
        }
        long skip = st.partial() != null && st.partial().commitLsn() == commitLsn ? st.partial().eventsDone() : 0;
        writer.beginTx("commit " + Lsn.format(commitLsn), OffsetState.partialAt(commitLsn), skip);
        return new Live(t, skip, false);
    }

    /** Maps one message of the transaction; events beyond {@code skip} go to the writer (in chunks when large). */
    private void add(Live live, PgMessage m) {
        if (live.done) {
            return;
        }
        adding = live;
        mapper.map(m, live.tx, toWriter);
    }

    /** The transaction {@link #toWriter} adds to. */
    private Live adding;
    /** Adds the events of {@link #adding} beyond its {@code skip} to the writer (one sink for every message). */
    private final ChangeMapper.Sink toWriter = this::toWriter;

    private void toWriter(ChangeMapper.Captured cap) {
        if (adding.tx.index() > adding.skip) {
            writer.add(cap.stream(), cap.event());
        }
    }

    private void apply(TxBuffer tx, boolean streamedTx, int xid, long commitLsn, long endLsn, long commitMicros,
                       Set<Integer> abortedSubxids) {
        if (endLsn <= writer.state().lsn()) {
            return;
        }
        Live live = begin(xid, commitLsn, commitMicros);
        tx.replay(b -> {
            PgMessage m = replayDecoder.decode(b, streamedTx);
            if (!abortedSubxids.isEmpty() && abortedSubxids.contains(xidOf(m))) {
                return;
            }
            add(live, m);
        });
        end(live, endLsn);
    }

    /** Appends the rest of the transaction with its final position {@code endLsn}. */
    private void end(Live live, long endLsn) {
        if (live.done) {
            return;
        }
        OffsetState st = writer.state();
        ChangeMapper.Tx t = live.tx;
        long now = source.clock().millis();
        long lag = Math.max(0, now - t.commitMillis);
        if (writer.pendingEvents() == 0 && t.index() == 0) {
            // Nothing of ours in it (a filtered or empty transaction): no append, the next heartbeat moves the slot.
            writer.discard();
            return;
        }
        long events = t.index();
        long mapped = System.nanoTime();
        writer.endTx(st.at(endLsn, lag));
        lagMs = lag;
        if (events >= TIMELINE_MIN_EVENTS && LOG.isDebugEnabled()) {
            timeline(t, events, mapped);
        }
        if (gate != null && !gate.activeAt(endLsn)) {
            // Streaming is past every resumed snapshot range: no change needs checking any more.
            gate = null;
            mapper.gate(null);
        }
    }

    /**
     * Logs (debug) when a large transaction's stages happened, as {@code System.nanoTime()} values so that a
     * benchmark in the same JVM can line them up with its own clock: first message handled, commit message
     * received (reader thread) and handled, last row mapped, append handed to the store, append durable.
     */
    private void timeline(ChangeMapper.Tx t, long events, long mapped) {
        long submitted = System.nanoTime();
        long first = txFirstNanos;
        long commit = txCommitNanos;
        long commitRead = txCommitReadNanos;
        writer.lastAppend().whenComplete((r, e) -> LOG.debug("timeline tx {} events {} first {} commitRead {} commit {}"
                        + " mapped {} submitted {} durable {}", t.xid, events, first, commitRead, commit, mapped, submitted,
                System.nanoTime()));
    }

    private static int xidOf(PgMessage m) {
        if (m instanceof PgMessage.Insert i) {
            return i.xid();
        } else if (m instanceof PgMessage.Update u) {
            return u.xid();
        } else if (m instanceof PgMessage.Delete d) {
            return d.xid();
        } else if (m instanceof PgMessage.Truncate t) {
            return t.xid();
        } else if (m instanceof PgMessage.Message msg) {
            return msg.xid();
        }
        return 0;
    }

    private void standaloneMessage(PgMessage.Message msg) {
        OffsetState st = writer.state();
        if (msg.lsn() <= st.lsn()) {
            return;
        }
        if (mapper.isOutboxMessage(msg)) {
            ChangeMapper.Tx t = new ChangeMapper.Tx(0, msg.lsn(), source.clock().millis() * 1000 - ChangeMapper.PG_EPOCH_MICROS, false);
            writer.beginTx("message " + Lsn.format(msg.lsn()), OffsetState.partialAt(msg.lsn()), 0);
            mapper.outboxMessage(msg.content(), t, cap -> writer.add(cap.stream(), cap.event()));
            writer.endTx(st.at(msg.lsn(), 0));
        } else if (HEARTBEAT_PREFIX.equals(msg.prefix())
                && source.name().equals(new String(msg.content(), StandardCharsets.UTF_8))) {
            writer.commit(st.at(msg.lsn(), 0));
            lagMs = 0;
        }
    }

    private long acked = -1;

    private void ack(PGReplicationStream stream) throws SQLException {
        durable = writer.durable(false);
        long lsn = durable.lsn();
        if (lsn != acked) {
            LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
            stream.setAppliedLSN(l);
            stream.setFlushedLSN(l);
            acked = lsn;
        }
    }

    private void heartbeat() {
        try (PreparedStatement s = catalog.prepareStatement("SELECT pg_logical_emit_message(false, ?, ?)")) {
            s.setString(1, HEARTBEAT_PREFIX);
            s.setString(2, source.name());
            s.execute();
        } catch (SQLException e) {
            throw new CdcException("cannot write a heartbeat message: " + e.getMessage(), e);
        }
    }

    /** Why the run ended with {@link CdcStatus.State#FAILED}; null otherwise. */
    @Override
    public Throwable failure() {
        return failure;
    }

    /** The capture's status. */
    @Override
    public CdcStatus status() {
        OffsetState d = durable;
        OffsetState.Snapshot snap = d.snapshot();
        CdcStatus.SnapshotStatus s = snap == null ? new CdcStatus.SnapshotStatus(0, 0, true)
                : new CdcStatus.SnapshotStatus(snap.tables().size(), snap.rowsDone(), snap.done());
        return new CdcStatus(source.name(), "postgresql", state, Lsn.format(d.lsn()), lagMs, s, Optional.ofNullable(lastError));
    }

    /** How many appends carried part of a transaction too large for one. */
    @Override
    public long chunkedAppends() {
        return writer.chunkedAppends();
    }

    /** Asks the loop to stop; {@link #run()} returns soon after. */
    @Override
    public void stop() {
        stopping = true;
    }

    private void closeQuietly() {
        for (Connection c : new Connection[] {snapshotConnection, recoveryReplication, replication, catalog}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    LOG.debug("closing a connection", e);
                }
            }
        }
        snapshotConnection = null;
        recoveryReplication = null;
        replication = null;
        catalog = null;
    }
}
