package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * Appends captured events to the log together with the connector's position: each append is
 * one atomic multi-stream append whose last part is a {@code CdcPosition} event in the offset
 * stream, checked with {@code exact(version)} so two captures of the same connector cannot both
 * write (the second gets {@link WrongExpectedVersionException}).
 */
public final class LogWriter {
    /** The event type of positions in the offset stream. */
    public static final String POSITION_TYPE = "CdcPosition";

    private final EventStore store;
    private final StreamName offsetStream;
    private final ObjectMapper mapper;
    private final int maxAppendBytes;
    private final String connector;
    private long offsetVersion = -1;
    private OffsetState state = OffsetState.empty();
    private final Map<StreamName, List<EventData>> pending = new LinkedHashMap<>();
    private long pendingBytes;
    private long pendingEvents;
    private long txCommitLsn = -1;
    private long txDone;
    private long chunkedAppends;
    private static final int MAX_IN_FLIGHT = 256;
    /** Streams per append, the offset stream included: the embedded store accepts at most 10,000. */
    public static final int MAX_STREAMS_PER_APPEND = 10_000;
    private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
    private OffsetState durable = OffsetState.empty();

    private record InFlight(java.util.concurrent.CompletableFuture<?> future, OffsetState state) {
    }

    /** A writer for {@code connector}'s offset stream. */
    public LogWriter(EventStore store, StreamName offsetStream, ObjectMapper mapper, int maxAppendBytes, String connector) {
        this.store = store;
        this.offsetStream = offsetStream;
        this.mapper = mapper;
        this.maxAppendBytes = maxAppendBytes;
        this.connector = connector;
    }

    /** Reads the newest position from the offset stream; {@link OffsetState#empty()} when there is none. */
    public OffsetState load() {
        try {
            ReadSlice last = store.readStream(offsetStream, Long.MAX_VALUE, 1, Direction.BACKWARD);
            if (last.events().isEmpty()) {
                return state;
            }
            offsetVersion = last.events().get(0).version();
            state = OffsetState.fromJson(mapper, last.events().get(0).data());
            durable = state;
        } catch (StreamNotFoundException e) {
            offsetVersion = -1;
        }
        return state;
    }

    /** Whether the offset stream has a position. */
    public boolean hasPosition() {
        return offsetVersion >= 0;
    }

    /** The newest position sent to the log (durable once {@link #durable(boolean)} says so). */
    public OffsetState state() {
        return state;
    }

    /**
     * Starts writing a source transaction committed at {@code commitLsn} of which
     * {@code alreadyDone} events are already in the log (an earlier, interrupted chunked append).
     */
    public void beginTx(long commitLsn, long alreadyDone) {
        txCommitLsn = commitLsn;
        txDone = alreadyDone;
    }

    /**
     * Adds an event of the transaction being written; when the buffered events reach
     * {@code maxAppendBytes} they are appended with a partial position (a transaction larger
     * than one append).
     */
    public void add(StreamName stream, EventData event) {
        pending.computeIfAbsent(stream, s -> new ArrayList<>()).add(event);
        pendingBytes += event.sizeBytes() + stream.value().length() + 64;
        pendingEvents++;
        if ((pendingBytes >= maxAppendBytes || pending.size() >= MAX_STREAMS_PER_APPEND - 1) && txCommitLsn >= 0) {
            long done = txDone + pendingEvents;
            commit(new OffsetState(state.lsn(), new OffsetState.Partial(txCommitLsn, done), state.snapshot(), state.lagMs()));
            txDone = done;
            chunkedAppends++;
        }
    }

    /** Appends the rest of the transaction with its final position. */
    public void endTx(OffsetState newState) {
        commit(newState);
        txCommitLsn = -1;
        txDone = 0;
    }

    /** How many appends carried part of a transaction too large for one (for tests and status). */
    public long chunkedAppends() {
        return chunkedAppends;
    }

    /** Approximate bytes buffered and not yet appended. */
    public long pendingBytes() {
        return pendingBytes;
    }

    /** Whether the buffered events fill an append (bytes or streams). */
    public boolean full() {
        return pendingBytes >= maxAppendBytes || pending.size() >= MAX_STREAMS_PER_APPEND - 1;
    }

    /** Number of events buffered and not yet appended. */
    public long pendingEvents() {
        return pendingEvents;
    }

    /**
     * Appends the buffered events (possibly none) and {@code newState} atomically; returns once
     * durable. Throws {@link CdcException} when the log refuses.
     */
    public void commit(OffsetState newState) {
        List<StreamAppend> appends = new ArrayList<>(pending.size() + 1);
        for (Map.Entry<StreamName, List<EventData>> e : pending.entrySet()) {
            appends.add(new StreamAppend(e.getKey(), ExpectedVersion.any(), e.getValue()));
        }
        byte[] json = newState.toJson(mapper);
        UUID id = UUID.nameUUIDFromBytes((connector + "/position/" + (offsetVersion + 1) + "/"
                + new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        EventData position = new EventData(id, POSITION_TYPE, json, new byte[0]);
        ExpectedVersion expected = offsetVersion < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(offsetVersion);
        appends.add(new StreamAppend(offsetStream, expected, List.of(position)));
        // Appends are pipelined (the store commits them in order, in groups): the position of each is
        // durable once its future completes; exact(version) on the offset stream makes a failed append
        // fail every later one, so the log always holds a prefix of what was sent.
        inFlight.addLast(new InFlight(store.appendAll(appends), newState));
        while (inFlight.size() > MAX_IN_FLIGHT) {
            harvest(true);
        }
        offsetVersion++;
        state = newState;
        pending.clear();
        pendingBytes = 0;
        pendingEvents = 0;
    }

    /**
     * Collects completed appends (waiting for them all when {@code wait}) and returns the newest
     * position that is durable in the log. Throws {@link CdcException} when an append failed.
     */
    public OffsetState durable(boolean wait) {
        while (!inFlight.isEmpty() && (wait || inFlight.peekFirst().future().isDone())) {
            harvest(true);
        }
        return durable;
    }

    private void harvest(boolean block) {
        InFlight first = inFlight.peekFirst();
        if (first == null || (!block && !first.future().isDone())) {
            return;
        }
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

    /** Drops buffered events (the transaction was skipped). */
    public void discard() {
        pending.clear();
        pendingBytes = 0;
        pendingEvents = 0;
    }
}
