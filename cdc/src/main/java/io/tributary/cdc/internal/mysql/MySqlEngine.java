package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.internal.OffsetState;
import io.tributary.cdc.internal.CaptureThread;
import io.tributary.cdc.internal.LogWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.CdcStatus;
import io.tributary.cdc.MySqlSource;
import io.tributary.cdc.SnapshotMode;
import io.tributary.cdc.SourceConfigurationException;
import io.tributary.cdc.TableSelection;
import io.tributary.core.EventStore;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MySQL/MariaDB capture: {@link #prepare()} checks the source and fixes the starting point
 * (on the caller's thread, so configuration errors surface at once); {@link #run()} takes or
 * resumes the snapshot, then reads the binlog from the last durable position, one atomic append
 * per committed transaction together with the binlog position after it.
 */
public final class MySqlEngine implements CaptureThread.Engine {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlEngine.class);
    private static final int INBOX_EVENTS = 8_192;
    /** Statements that stay inside a transaction: SAVEPOINT x, ROLLBACK [WORK] TO [SAVEPOINT] x, RELEASE SAVEPOINT x. */
    private static final Pattern SAVEPOINT = Pattern.compile("(?i)(SAVEPOINT\\s|ROLLBACK\\s+(WORK\\s+)?TO\\s|RELEASE\\s+SAVEPOINT\\s)");
    private static final Pattern TRUNCATE = Pattern.compile(
            "^\\s*TRUNCATE\\s+(?:TABLE\\s+)?(?:`((?:[^`]|``)+)`|([\\w$]+))(?:\\.(?:`((?:[^`]|``)+)`|([\\w$]+)))?\\s*;?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private final EventStore store;
    private final MySqlSource source;
    private final ObjectMapper json = new ObjectMapper();
    private final MySetup setup;
    private final LogWriter<MySqlOffset> log;
    private final MyMapper mapper;
    private Connection catalog;
    private Connection snapshotConnection;
    private BinlogPosition snapshotPoint;
    private MySchemas schemas;
    private MyGate gate;
    private volatile BinaryLogClient client;
    private volatile boolean stopping;
    private volatile CdcStatus.State state = CdcStatus.State.STARTING;
    private volatile MySqlOffset durable;
    private volatile String lastError;
    private volatile Throwable failure;
    private volatile long lagMs;

    // Streaming state, owned by the capture thread.
    private String file;
    /** The table maps of the current binlog file by table id, each resolved once (at its first row event). */
    private final Map<Long, Mapped> tableMaps = new HashMap<>();
    private final Map<Long, String> gtidState = new LinkedHashMap<>();
    private MyMapper.Tx tx;
    private boolean txStandalone;
    private long lastRecordNanos = System.nanoTime();
    private BinlogPosition lastSeen;
    private long eventPos;
    private long cursor;
    /** The {@code server_id} of the server read (positions recorded are of its binlog). */
    private long serverId;
    /** Streaming continues after the stored GTID state on another server than the stored position's ({@link #resumeByGtid}). */
    private boolean byGtid;
    /** The stored position is of another server's binlog: the next one recorded replaces it, whatever their order. */
    private boolean positionElsewhere;

    /** An engine appending {@code source}'s changes to {@code store}. */
    public MySqlEngine(EventStore store, MySqlSource source) {
        this.store = store;
        this.source = source;
        this.setup = new MySetup(source);
        this.log = new LogWriter<>(store, source.offsetStream(), json, source.maxAppendBytes(), source.name(),
                MySqlOffset::fromJson, null);
        this.mapper = new MyMapper(source.name(), json, source.clock());
    }

    /**
     * Whether streaming resumes by GTID instead of at the stored binlog position. A binlog position is per server:
     * on MariaDB it is used only where this server's binlog has the GTID state stored with it at that place
     * (BINLOG_GTID_POS); a binlog file of the same name elsewhere (after a failover) or after {@code RESET MASTER}
     * holds other events there. Elsewhere the capture continues after the stored GTID state, when this server got
     * those transactions by replication and still has what follows ({@link MySetup#gtidResumeProblem}); otherwise
     * the start is refused. MySQL: the stored position is used (no BINLOG_GTID_POS to check it by).
     */
    private boolean resumeByGtid(MySqlOffset st) throws SQLException {
        BinlogPosition stored = st.position();
        boolean fileHere = setup.hasBinlog(catalog, stored.file());
        if (!setup.mariaDb() || stored.gtid().isEmpty()) {
            if (st.serverId() != 0 && st.serverId() != serverId) {
                // Binlog positions are per server, and without a GTID state to go by (MySQL's GTID sets are not
                // tracked) the place of the stored one in this server's binlog is unknown.
                throw new SourceConfigurationException("the position of connector '" + source.name() + "' (" + stored
                        + ") was recorded reading the server with server_id " + st.serverId() + "; this server has server_id "
                        + serverId + ", and binlog positions are per server" + (setup.mariaDb() ? " (no GTID state was recorded"
                        + " with it to continue by)" : " (continuing by GTID after a failover is supported on MariaDB only)")
                        + ". Point the source at the server it captured from, or delete the stream " + source.offsetStream()
                        + " (and the captured streams) to start over with a new snapshot");
            }
            if (!fileHere) {
                throw purged(stored);
            }
            return false;
        }
        String here = setup.binlogGtidPos(catalog, stored.file(), stored.pos());
        if (setup.samePlace(catalog, here, stored.gtid())) {
            return false;
        }
        MyGate gateHere = st.snapshot() == null ? null : new MyGate(st.snapshot(), catalog);
        String problem;
        if (!st.snapshotDone()) {
            problem = "a snapshot is not finished (the initial one, or of tables added since), and its rows are consistent"
                    + " with a position of the server it was started on: finish it there";
        } else if (gateHere != null && gateHere.activeAt(stored)) {
            problem = "rows the snapshot read again after a crash are consistent with positions of the server it ran on, up to "
                    + gateHere.last() + ", and changes before that are still told apart by those positions: continue on"
                    + " that server until the capture has passed it";
        } else if (st.partials().stream().anyMatch(p -> p.gtid().isEmpty())) {
            problem = "a transaction was being appended in chunks (from " + st.partials().stream().filter(p -> p.gtid().isEmpty())
                    .findFirst().orElseThrow().begin() + ") and its GTID was not recorded (a position stored before GTIDs"
                    + " were): finish it on the server it began on";
        } else {
            problem = setup.gtidResumeProblem(catalog, serverId, stored.gtid(), st.serverId(), st.partialGtids());
        }
        if (problem == null) {
            if (st.serverId() == 0) {
                LOG.warn("capture '{}': its stored position does not say which server it was recorded on (an offset from an"
                        + " earlier version); taking this server's binlog to be another's", source.name());
            }
            LOG.info("capture '{}': the stored position {} is not in the binlog of {}:{}; continuing after GTID state {}"
                    + " (a failover)", source.name(), stored, source.host(), source.port(), stored.gtid());
            return true;
        }
        if (!fileHere && st.serverId() == serverId) {
            throw purged(stored); // this server's own binlog, purged past the position
        }
        throw new SourceConfigurationException("the position of connector '" + source.name() + "' (" + stored.file() + ":"
                + stored.pos() + ", GTID state " + stored.gtid() + ") is not in this server's binlog: " + (!fileHere
                ? "it has no file " + stored.file() : "there " + stored.file() + ":" + stored.pos() + (here == null
                ? " is not the end of a transaction" : " follows GTID state '" + here + "'")) + ". The position is of another"
                + " server (a failover), or of a binlog purged or reset (RESET MASTER) since, and the capture cannot"
                + " continue here by GTID either: " + problem
                + ". Point the source at a server that has the captured transactions, or delete the stream "
                + source.offsetStream() + " (and the captured streams) to start over with a new snapshot");
    }

    /** The refusal {@link #purged} made, if any: what {@link SnapshotMode#WHEN_NEEDED} starts over after. */
    private SourceConfigurationException purgedRefusal;

    private SourceConfigurationException purged(BinlogPosition stored) {
        purgedRefusal = new SourceConfigurationException("binlog file " + stored.file() + " holding the position of"
                + " connector '" + source.name() + "' (" + stored + ") is no longer on the server (purged):"
                + " changes after it are lost. Keep binlogs longer (binlog_expire_logs_seconds), and delete the"
                + " stream " + source.offsetStream() + " (and the captured streams) to start over with a new snapshot,"
                + " or set snapshotMode WHEN_NEEDED to start over here with a new snapshot");
        return purgedRefusal;
    }

    /**
     * {@code st} with its snapshot's tables brought in line with the source's {@code tables}, when the capture took an
     * initial snapshot: a table selected since is added not yet copied, so that its rows are read in a snapshot of its own
     * while the others stream (otherwise only its later changes would arrive); a table no longer selected is dropped with
     * its key ranges, so that selecting it again reads it again — not while a transaction is half appended (its remaining
     * rows are counted from those captured before). Not in the same start as a move to another server by GTID: the new
     * snapshot's position and the old ranges' would be of different servers.
     */
    private MySqlOffset withSelectedTables(MySqlOffset st) {
        MySqlOffset.Snapshot snap = st.snapshot();
        if (snap == null) {
            return st;
        }
        Set<String> selected = new LinkedHashSet<>();
        for (TableSelection t : source.tables()) {
            selected.add(t.schema() + "." + t.table());
        }
        OffsetState.Reconciled r = OffsetState.Reconciled.of(snap.tables(), selected);
        if (!r.changed()) {
            return st;
        }
        if (!st.partials().isEmpty() && !r.removed().isEmpty()) {
            throw new SourceConfigurationException(r.refusalWhileHalfAppended("capture '" + source.name() + "'"));
        }
        if (!r.added().isEmpty() && byGtid) {
            throw new SourceConfigurationException("capture '" + source.name() + "' moves to another server by GTID (a"
                    + " failover) and tables were added to it (" + String.join(", ", r.added()) + "): start it once on this"
                    + " server with the tables it had, then add them; their rows are then read in a snapshot of their own");
        }
        List<MySqlOffset.Segment> segments = snap.segments().stream().filter(g -> selected.contains(g.table())).toList();
        if (!r.added().isEmpty()) {
            LOG.info("capture '{}': {} selected since its snapshot; reading {} in a snapshot while streaming goes on",
                    source.name(), r.added(), r.added().size() == 1 ? "it" : "them");
        }
        return new MySqlOffset(st.position(), st.serverId(), st.partials(), new MySqlOffset.Snapshot(snap.point(), r.tables(),
                segments, snap.done() && r.added().isEmpty()), st.lagMs());
    }

    /** Checks the source and fixes the starting point; throws {@link SourceConfigurationException}. */
    @Override
    public void prepare() {
        try {
            catalog = setup.connect();
            setup.check(catalog);
            serverId = setup.serverId(catalog);
            schemas = new MySchemas(catalog, source);
            MySqlOffset st = log.load();
            if (st != null) {
                try {
                    byGtid = resumeByGtid(st);
                } catch (SourceConfigurationException e) {
                    if (e != purgedRefusal || source.snapshotMode() != SnapshotMode.WHEN_NEEDED) {
                        throw e;
                    }
                    LOG.warn("capture '{}': {}; starting over at the present with a new snapshot (snapshotMode WHEN_NEEDED)",
                            source.name(), e.getMessage());
                    st = null;
                }
            }
            if (st == null) {
                if (source.snapshotMode() != SnapshotMode.NEVER) {
                    snapshotConnection = setup.connect();
                    snapshotConnection.setAutoCommit(false);
                    snapshotPoint = setup.startSnapshot(snapshotConnection);
                    List<OffsetState.TableProgress> tables = new ArrayList<>();
                    List<MySqlOffset.Segment> segments = new ArrayList<>();
                    for (TableSelection t : source.tables()) {
                        String q = t.schema() + "." + t.table();
                        tables.add(new OffsetState.TableProgress(q, List.of(), false, 0));
                        segments.add(new MySqlOffset.Segment(q, List.of(), snapshotPoint));
                    }
                    log.commit(new MySqlOffset(snapshotPoint, serverId, List.of(),
                            new MySqlOffset.Snapshot(snapshotPoint, tables, segments, false), 0));
                } else {
                    log.commit(new MySqlOffset(setup.current(catalog), serverId, List.of(), null, 0));
                }
            } else {
                st = withSelectedTables(st);
                if (!st.snapshotDone()) {
                    // The consistent snapshot died with the crashed capture (or tables were added since): the rest is read
                    // in a new one, at a later binlog position; MyGate drops streamed changes that the new one already
                    // contains.
                    snapshotConnection = setup.connect();
                    snapshotConnection.setAutoCommit(false);
                    snapshotPoint = setup.startSnapshot(snapshotConnection);
                    List<MySqlOffset.Segment> segments = new ArrayList<>(st.snapshot().segments());
                    for (OffsetState.TableProgress t : st.snapshot().tables()) {
                        if (!t.done()) {
                            segments.add(new MySqlOffset.Segment(t.table(), t.lastKey(), snapshotPoint));
                        }
                    }
                    log.commit(new MySqlOffset(st.position(), st.serverId(), st.partials(), new MySqlOffset.Snapshot(st.snapshot().point(),
                            st.snapshot().tables(), segments, false), st.lagMs()));
                } else if (st != log.state()) {
                    log.commit(st); // tables no longer selected: forgotten, so that selecting one again reads it again
                }
            }
            durable = log.durable(true);
        } catch (SQLException e) {
            closeQuietly();
            throw new SourceConfigurationException("cannot prepare the capture of " + source.jdbcUrl() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    @Override
    public void run() {
        try {
            if (!log.state().snapshotDone()) {
                state = CdcStatus.State.SNAPSHOTTING;
                new MySnapshotter(source, setup, schemas, mapper, log, 0, s -> durable = log.durable(false))
                        .run(snapshotConnection, snapshotPoint, () -> stopping);
                snapshotConnection.close();
                snapshotConnection = null;
                if (stopping) {
                    return;
                }
            }
            durable = log.durable(true);
            if (log.state().snapshot() != null) {
                MyGate g = new MyGate(log.state().snapshot(), catalog);
                if (g.activeAt(log.state().position())) {
                    gate = g;
                }
            }
            state = CdcStatus.State.STREAMING;
            stream();
        } catch (Throwable e) {
            if (!stopping) {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                failure = e;
                state = CdcStatus.State.FAILED;
                LOG.error("capture '{}' failed", source.name(), e);
            }
        } finally {
            try {
                durable = log.durable(true);
            } catch (RuntimeException e) {
                if (lastError == null && !stopping) {
                    lastError = e.getMessage();
                    failure = e;
                    state = CdcStatus.State.FAILED;
                }
            }
            if (state != CdcStatus.State.FAILED) {
                state = CdcStatus.State.STOPPED;
            }
            closeQuietly();
        }
    }

    private void stream() throws IOException, InterruptedException {
        BinlogPosition start = log.state().position();
        file = start.file();
        lastSeen = start;
        parseGtids(start.gtid());
        BinaryLogClient c = new BinaryLogClient(source.host(), source.port(), source.user(), source.password());
        c.setServerId(source.serverId());
        if (byGtid) {
            // MariaDB starts after the GTID state (@slave_connect_state); the file and offset sent are not used. The
            // first event, a rotate, names the file it starts in.
            c.setGtidSet(start.gtid());
            c.setBinlogFilename("");
            c.setBinlogPosition(4);
            positionElsewhere = true;
            lastSeen = null;
        } else {
            c.setBinlogFilename(start.file());
            c.setBinlogPosition(start.pos());
        }
        // A reconnect inside the client could resume in the middle of a transaction: on any
        // disconnect the capture fails instead, and a restart resumes from the durable position.
        c.setKeepAlive(false);
        // The same encryption as the JDBC connections (the source's sslMode), with the certificates the URL names
        // (serverSslCert or trustStore to trust, keyStore to present: TlsMaterial), else the JVM's trust store.
        c.setSSLMode(switch (source.sslMode()) {
            case DISABLE -> SSLMode.DISABLED;
            case TRUST -> SSLMode.REQUIRED;
            case VERIFY_CA -> SSLMode.VERIFY_CA;
            case VERIFY_FULL -> SSLMode.VERIFY_IDENTITY;
        });
        TlsMaterial tls = TlsMaterial.of(source);
        if (tls != null) {
            c.setSslSocketFactory(tls.socketFactory());
        }
        if (source.heartbeatIntervalMs() > 0) {
            c.setHeartbeatInterval(source.heartbeatIntervalMs());
        }
        EventDeserializer d = RowDeserializers.eventDeserializer();
        d.setCompatibilityMode(EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
                EventDeserializer.CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE);
        c.setEventDeserializer(d);
        BlockingQueue<Event> inbox = new ArrayBlockingQueue<>(INBOX_EVENTS);
        AtomicReference<Exception> readError = new AtomicReference<>();
        c.registerEventListener(e -> {
            try {
                // Back-pressure: the reader waits while the capture is behind.
                while (!stopping && !inbox.offer(e, 100, TimeUnit.MILLISECONDS)) {
                    // waiting for room
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        });
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient cl, Exception ex) {
                readError.compareAndSet(null, ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient cl, Exception ex) {
                readError.compareAndSet(null, ex);
                try {
                    cl.disconnect();
                } catch (IOException ignored) {
                    // failing anyway
                }
            }

            @Override
            public void onDisconnect(BinaryLogClient cl) {
                readError.compareAndSet(null, new IOException("the server closed the binlog connection"));
            }
        });
        client = c;
        try {
            c.connect(source.connectTimeoutMs());
        } catch (TimeoutException e) {
            throw new CdcException("no binlog connection to " + source.host() + ":" + source.port() + " within "
                    + source.connectTimeoutMs() + " ms" + (readError.get() == null ? "" : ": " + readError.get().getMessage()), e);
        }
        while (!stopping) {
            Event e = inbox.poll();
            if (e == null) {
                durable = log.durable(false);
                recordIdlePosition();
                e = inbox.poll(5, TimeUnit.MILLISECONDS);
                if (e == null) {
                    Exception failed = readError.get();
                    if (failed != null && !stopping && inbox.isEmpty()) {
                        throw new CdcException("reading the binlog failed: " + failed.getMessage(), failed);
                    }
                    continue;
                }
            }
            handle(e);
            if (log.pendingEvents() == 0) {
                durable = log.durable(false);
            }
        }
    }

    private void handle(Event e) {
        EventHeaderV4 h = e.getHeader();
        EventType type = h.getEventType();
        // MariaDB 11 leaves end_log_pos 0 in events inside a transaction (binlog_legacy_event_pos = OFF):
        // their positions follow from the last event that has one, plus the lengths in between.
        if (h.getNextPosition() != 0) {
            eventPos = h.getNextPosition() - h.getEventLength();
            cursor = h.getNextPosition();
        } else if (tx != null) {
            eventPos = cursor;
            cursor += h.getEventLength();
        }
        switch (type) {
            case ROTATE -> {
                RotateEventData r = e.getData();
                file = r.getBinlogFilename();
                cursor = r.getBinlogPosition();
                tableMaps.clear();
            }
            case MARIADB_GTID -> {
                MariadbGtidEventData g = e.getData();
                begin(h, g.getDomainId() + "-" + h.getServerId() + "-" + g.getSequence(), g.getDomainId());
                txStandalone = (g.getFlags() & MariadbGtidEventData.FL_STANDALONE) != 0;
            }
            case GTID -> {
                GtidEventData g = e.getData();
                begin(h, g.getMySqlGtid().toString(), -1);
            }
            case QUERY -> query(h, e.getData());
            // Compressed transactions (MySQL 8.0.20+, binlog_transaction_compression) hold their row events inside:
            // checked off at start (MySetup), and refused here if switched on since, rather than passed over.
            case TRANSACTION_PAYLOAD -> throw new CdcException("a compressed transaction in the binlog at " + file + ":" + eventPos
                    + " (binlog_transaction_compression was switched on): this capture cannot read it yet, nor resume past it."
                    + " Run SET GLOBAL binlog_transaction_compression = OFF (and in my.cnf), then delete the stream "
                    + source.offsetStream() + " (and the captured streams) to start over with a new snapshot");
            case TABLE_MAP -> {
                TableMapEventData m = e.getData();
                tableMaps.put(m.getTableId(), new Mapped(m));
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData w = e.getData();
                Mapped mt = table(w.getTableId());
                if (mt.table != null) {
                    MyTable t = mt.table;
                    int[] types = mt.types;
                    for (int i = 0; i < w.getRows().size(); i++) {
                        change(t, "c", null, mapper.binlogRow(t, types, w.getIncludedColumns(), w.getRows().get(i)), h, i);
                    }
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData u = e.getData();
                Mapped mt = table(u.getTableId());
                if (mt.table != null) {
                    MyTable t = mt.table;
                    int[] types = mt.types;
                    int i = 0;
                    for (Map.Entry<Serializable[], Serializable[]> r : u.getRows()) {
                        change(t, "u", mapper.binlogRow(t, types, u.getIncludedColumnsBeforeUpdate(), r.getKey()),
                                mapper.binlogRow(t, types, u.getIncludedColumns(), r.getValue()), h, i++);
                    }
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData dl = e.getData();
                Mapped mt = table(dl.getTableId());
                if (mt.table != null) {
                    MyTable t = mt.table;
                    int[] types = mt.types;
                    for (int i = 0; i < dl.getRows().size(); i++) {
                        change(t, "d", mapper.binlogRow(t, types, dl.getIncludedColumns(), dl.getRows().get(i)), null, h, i);
                    }
                }
            }
            case XID -> commit(h);
            default -> {
                // FORMAT_DESCRIPTION, GTID_LIST, BINLOG_CHECKPOINT, ANNOTATE_ROWS, HEARTBEAT...: nothing to capture.
            }
        }
    }

    private void begin(EventHeaderV4 h, String gtid, long domain) {
        BinlogPosition at = new BinlogPosition(file, eventPos, "");
        MySqlOffset st = log.state();
        long skip = 0;
        // The transaction that was being appended in chunks: by its GTID when it has one (the same on every server: a
        // replica's binlog holds its rows in the same order), else the same place in the binlog.
        MySqlOffset.Partial partial = st.partial(at, gtid);
        if (partial != null) {
            skip = partial.eventsDone();
        }
        tx = new MyMapper.Tx(at, gtid, h.getTimestamp(), h.getServerId(), skip);
        txStandalone = false;
        log.beginTx("beginning at " + at, MySqlOffset.partialAt(at, gtid), skip);
        if (domain >= 0) {
            pendingGtid = new long[] {domain};
            pendingGtidText = gtid;
        }
    }

    private long[] pendingGtid;
    private String pendingGtidText;

    private void query(EventHeaderV4 h, QueryEventData q) {
        String sql = q.getSql().trim();
        if (sql.equalsIgnoreCase("BEGIN")) {
            if (tx == null) {
                begin(h, "", -1);
            }
            return;
        }
        if (sql.equalsIgnoreCase("COMMIT")) {
            commit(h);
            return;
        }
        if (tx != null && SAVEPOINT.matcher(sql).lookingAt()) {
            // SAVEPOINT, ROLLBACK TO and RELEASE SAVEPOINT stay inside the transaction (rows undone
            // by a ROLLBACK TO on a transactional table never reach the binlog).
            return;
        }
        if (sql.equalsIgnoreCase("ROLLBACK")) {
            rollback();
            return;
        }
        if (tx == null) {
            begin(h, "", -1);
        }
        // DDL: a transaction of its own. Table maps and information_schema are read afresh after it.
        schemas.invalidateAll();
        Matcher m = TRUNCATE.matcher(sql);
        if (m.matches()) {
            String first = m.group(1) != null ? m.group(1).replace("``", "`") : m.group(2);
            String second = m.group(3) != null ? m.group(3).replace("``", "`") : m.group(4);
            String db = second == null ? q.getDatabase() : first;
            String name = second == null ? first : second;
            if (db != null && schemas.selection(db, name).isPresent()) {
                MyTable t = schemas.fromCatalog(db, name);
                if (gate == null || !gate.skipTruncate(t.qualifiedName(), tx.begin)) {
                    mapper.truncate(t, tx, new BinlogPosition(file, eventPos, ""), log::add);
                }
            }
        }
        commit(h);
    }

    /** A table map; {@code table} (null when not captured) and the real column types are resolved once. */
    private static final class Mapped {
        final TableMapEventData map;
        boolean resolved;
        MyTable table;
        int[] types;

        Mapped(TableMapEventData map) {
            this.map = map;
        }
    }

    private Mapped table(long tableId) {
        Mapped mt = tableMaps.get(tableId);
        if (mt == null) {
            throw new CdcException("a row event for table id " + tableId + " arrived without its table map at " + file);
        }
        TableMapEventData m = mt.map;
        if (!mt.resolved && schemas.selection(m.getDatabase(), m.getTable()).isPresent()) {
            mt.table = schemas.fromTableMap(m);
            mt.types = new int[m.getColumnTypes().length];
            for (int i = 0; i < mt.types.length; i++) {
                mt.types[i] = MySchemas.realType(m.getColumnTypes()[i] & 0xFF, m.getColumnMetadata()[i]);
            }
        }
        mt.resolved = true;
        if (mt.table != null && tx == null) {
            throw new CdcException("a row event outside a transaction at " + file + ":" + m.getTableId());
        }
        return mt;
    }

    private void change(MyTable t, String op, JsonNode[] before, JsonNode[] after, EventHeaderV4 h, int row) {
        if (gate != null && gate.skip(t, MyMapper.key(t, after != null ? after : before), tx.begin)) {
            return;
        }
        mapper.change(t, op, before, after, tx, new BinlogPosition(file, eventPos, ""), row, log::add);
    }

    /**
     * A transaction that touched a non-transactional table and was rolled back ends with ROLLBACK
     * in the binlog: its rows on transactional tables did not happen, so nothing of it is appended.
     */
    private void rollback() {
        if (tx == null) {
            return;
        }
        if (pendingGtid != null) {
            gtidState.put(pendingGtid[0], pendingGtidText);
            pendingGtid = null;
        }
        lastSeen = new BinlogPosition(file, cursor, gtids());
        tx = null;
        log.discardTx();
        recordIdlePosition();
    }

    private void commit(EventHeaderV4 h) {
        if (tx == null) {
            return;
        }
        if (pendingGtid != null) {
            gtidState.put(pendingGtid[0], pendingGtidText);
            pendingGtid = null;
        }
        BinlogPosition end = new BinlogPosition(file, cursor, gtids());
        lastSeen = end;
        boolean captured = tx.index > 0;
        MyMapper.Tx done = tx;
        tx = null;
        if (captured) {
            long lag = Math.max(0, source.clock().millis() - h.getTimestamp());
            lagMs = lag;
            // Completing a transaction that was being appended in chunks removes its entry (no-op for any other).
            log.endTx(log.state().at(end, serverId, lag).without(done.begin, done.gtid));
            positionElsewhere = false;
            lastRecordNanos = System.nanoTime();
        } else {
            recordIdlePosition();
        }
        if (gate != null && !gate.activeAt(end)) {
            gate = null;
        }
    }

    /** Records the position of transactions that changed nothing captured, at most once per heartbeat interval. */
    private void recordIdlePosition() {
        if (tx != null || lastSeen == null || source.heartbeatIntervalMs() <= 0
                || System.nanoTime() - lastRecordNanos < TimeUnit.MILLISECONDS.toNanos(source.heartbeatIntervalMs())) {
            return;
        }
        lastRecordNanos = System.nanoTime();
        if (positionElsewhere || lastSeen.compareTo(log.state().position()) > 0) {
            lagMs = 0;
            log.commit(log.state().at(lastSeen, serverId, 0));
            positionElsewhere = false;
        }
    }

    private void parseGtids(String gtid) {
        gtidState.clear();
        for (MariaGtid g : MariaGtid.list(gtid)) {
            gtidState.put(g.domain(), g.toString());
        }
    }

    private String gtids() {
        return String.join(",", gtidState.values());
    }

    /** Why the run ended with {@link CdcStatus.State#FAILED}; null otherwise. */
    @Override
    public Throwable failure() {
        return failure;
    }

    /** The capture's current status. */
    @Override
    public CdcStatus status() {
        MySqlOffset d = durable;
        MySqlOffset.Snapshot s = d == null ? null : d.snapshot();
        CdcStatus.SnapshotStatus snap = s == null
                ? new CdcStatus.SnapshotStatus(0, 0, true)
                : new CdcStatus.SnapshotStatus(s.tables().size(), s.rowsDone(), s.done());
        return new CdcStatus(source.name(), "mysql", state, d == null ? "" : d.position().toString(), lagMs, snap,
                Optional.ofNullable(lastError));
    }

    /** How many appends carried part of a transaction larger than {@code maxAppendBytes}. */
    @Override
    public long chunkedAppends() {
        return log.chunkedAppends();
    }

    /** Asks the capture to stop. */
    @Override
    public void stop() {
        stopping = true;
        BinaryLogClient c = client;
        if (c != null) {
            try {
                c.disconnect();
            } catch (IOException e) {
                LOG.debug("disconnecting the binlog client of '{}'", source.name(), e);
            }
        }
    }

    private void closeQuietly() {
        BinaryLogClient c = client;
        if (c != null) {
            try {
                c.disconnect();
            } catch (IOException e) {
                LOG.debug("disconnect", e);
            }
        }
        for (Connection conn : new Connection[] {snapshotConnection, catalog}) {
            if (conn != null) {
                try {
                    conn.close();
                } catch (SQLException e) {
                    LOG.debug("close", e);
                }
            }
        }
        snapshotConnection = null;
        catalog = null;
    }
}
