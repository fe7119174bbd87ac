package io.tributary.cdc.internal.mysql;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.internal.LogWriter;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadSlice;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Appends captured events to the log together with the connector's binlog position: each append
 * is one atomic multi-stream append whose last part is a {@code CdcPosition} event in the offset
 * stream, written with {@code exact(version)} so two captures of one connector cannot both write.
 * Appends are pipelined; the store commits them in order, so the log always holds a prefix of
 * what was sent, and {@link #durable(boolean)} tells how far.
 */
final class MySqlLog {
    private static final int MAX_IN_FLIGHT = 256;

    private record InFlight(CompletableFuture<?> future, MySqlOffset state) {
    }

    private final EventStore store;
    private final StreamName offsetStream;
    private final ObjectMapper mapper;
    private final int maxAppendBytes;
    private final String connector;
    private long offsetVersion = -1;
    private MySqlOffset state;
    private MySqlOffset durable;
    private final Map<StreamName, List<EventData>> pending = new LinkedHashMap<>();
    private long pendingBytes;
    private long pendingEvents;
    private BinlogPosition txBegin;
    private long txDone;
    private long chunkedAppends;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    MySqlLog(EventStore store, StreamName offsetStream, ObjectMapper mapper, int maxAppendBytes, String connector) {
        this.store = store;
        this.offsetStream = offsetStream;
        this.mapper = mapper;
        this.maxAppendBytes = maxAppendBytes;
        this.connector = connector;
    }

    /** Reads the newest position from the offset stream; null when there is none. */
    MySqlOffset load() {
        try {
            ReadSlice last = store.readStream(offsetStream, Long.MAX_VALUE, 1, Direction.BACKWARD);
            if (!last.events().isEmpty()) {
                offsetVersion = last.events().get(0).version();
                state = MySqlOffset.fromJson(mapper, last.events().get(0).data());
                durable = state;
            }
        } catch (StreamNotFoundException e) {
            offsetVersion = -1;
        }
        return state;
    }

    /** The newest position sent to the log (durable once {@link #durable(boolean)} says so); null before any. */
    MySqlOffset state() {
        return state;
    }

    /** Starts a transaction beginning at {@code begin} of which {@code alreadyDone} events are in the log. */
    void beginTx(BinlogPosition begin, long alreadyDone) {
        txBegin = begin;
        txDone = alreadyDone;
    }

    /**
     * Adds an event of the transaction being written; when the buffered events fill an append they
     * are appended with a partial position (a transaction larger than one append).
     */
    void add(StreamName stream, EventData event) {
        pending.computeIfAbsent(stream, s -> new ArrayList<>()).add(event);
        pendingBytes += event.sizeBytes() + stream.value().length() + 64;
        pendingEvents++;
        if (full() && txBegin != null) {
            long done = txDone + pendingEvents;
            commit(new MySqlOffset(state.position(), new MySqlOffset.Partial(txBegin, done), state.snapshot(), state.lagMs()));
            txDone = done;
            chunkedAppends++;
        }
    }

    /** Appends the rest of the transaction with its final position. */
    void endTx(MySqlOffset newState) {
        commit(newState);
        txBegin = null;
        txDone = 0;
    }

    /**
     * Drops the transaction being written (it was rolled back).
     *
     * @throws CdcException when part of it is in the log already (it was larger than one append)
     */
    void discardTx() {
        if (txBegin != null && txDone > 0) {
            throw new CdcException("a transaction beginning at " + txBegin + " was rolled back after " + txDone
                    + " of its events were appended (it was larger than one append of maxAppendBytes); "
                    + "the log holds changes that did not happen — raise maxAppendBytes and capture again");
        }
        pending.clear();
        pendingBytes = 0;
        pendingEvents = 0;
        txBegin = null;
        txDone = 0;
    }

    /** Drops the buffered events (a snapshot chunk that could not be read to its end). */
    void discardPending() {
        pending.clear();
        pendingBytes = 0;
        pendingEvents = 0;
    }

    /** Whether the buffered events fill an append (bytes, or streams: the store takes 10,000 per append). */
    boolean full() {
        return pendingBytes >= maxAppendBytes || pending.size() >= LogWriter.MAX_STREAMS_PER_APPEND - 1;
    }

    /** Number of events buffered and not yet appended. */
    long pendingEvents() {
        return pendingEvents;
    }

    /** How many appends carried part of a transaction too large for one. */
    long chunkedAppends() {
        return chunkedAppends;
    }

    /** Appends the buffered events (possibly none) and {@code newState} atomically, without waiting. */
    void commit(MySqlOffset newState) {
        List<StreamAppend> appends = new ArrayList<>(pending.size() + 1);
        for (Map.Entry<StreamName, List<EventData>> e : pending.entrySet()) {
            appends.add(new StreamAppend(e.getKey(), ExpectedVersion.any(), e.getValue()));
        }
        byte[] json = newState.toJson(mapper);
        UUID id = UUID.nameUUIDFromBytes((connector + "/position/" + (offsetVersion + 1) + "/"
                + new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        EventData position = new EventData(id, LogWriter.POSITION_TYPE, json, new byte[0]);
        ExpectedVersion expected = offsetVersion < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(offsetVersion);
        appends.add(new StreamAppend(offsetStream, expected, List.of(position)));
        inFlight.addLast(new InFlight(store.appendAll(appends), newState));
        while (inFlight.size() > MAX_IN_FLIGHT) {
            harvest();
        }
        offsetVersion++;
        state = newState;
        pending.clear();
        pendingBytes = 0;
        pendingEvents = 0;
    }

    /**
     * Collects completed appends (waiting for all when {@code wait}) and returns the newest position
     * durable in the log (null before any). Throws {@link CdcException} when an append failed.
     */
    MySqlOffset durable(boolean wait) {
        while (!inFlight.isEmpty() && (wait || inFlight.peekFirst().future().isDone())) {
            harvest();
        }
        return durable;
    }

    private void harvest() {
        InFlight first = inFlight.peekFirst();
        try {
            first.future().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof WrongExpectedVersionException) {
                throw new CdcException("another capture of connector '" + connector + "' wrote to " + offsetStream
                        + "; run one capture per connector name", cause);
            }
            throw new CdcException("the log refused captured changes: " + cause.getMessage(), cause);
        }
        inFlight.removeFirst();
        durable = first.state();
    }
}
