package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.PayloadTooLargeException;
import io.tributary.core.ReadSlice;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Appends captured events to the log together with the connector's position ({@link OffsetState} for
 * PostgreSQL, the binlog position for MySQL): each append is one atomic multi-stream append whose last
 * part is a {@code CdcPosition} event in the offset stream, checked with {@code exact(version)} so two
 * captures of the same connector cannot both write (the second gets {@link WrongExpectedVersionException}).
 * Appends are pipelined; the store commits them in order, so the log always holds a prefix of what was
 * sent, and {@link #durable(boolean)} tells how far. One thread uses a writer.
 *
 * @param <S> the position type
 */
public final class LogWriter<S extends LogWriter.Position> {
    /** The event type of positions in the offset stream. */
    public static final String POSITION_TYPE = "CdcPosition";
    private static final int MAX_IN_FLIGHT = 256;

    /** A connector's position, stored as the JSON data of a {@code CdcPosition} event. */
    public interface Position {
        /** Encodes as JSON. */
        byte[] toJson(ObjectMapper mapper);
    }

    /** Decodes the JSON of a {@code CdcPosition} event. */
    @FunctionalInterface
    public interface Decoder<S> {
        /** The position {@code json} holds; throws {@link CdcException} when it is unreadable. */
        S fromJson(ObjectMapper mapper, byte[] json);
    }

    /** The position recorded with a chunk of a transaction too large for one append. */
    @FunctionalInterface
    public interface PartialPosition<S> {
        /** {@code current} with the transaction being written marked as having {@code eventsDone} events in the log. */
        S after(S current, long eventsDone);
    }

    private record InFlight<S>(CompletableFuture<?> future, S state) {
    }

    private final EventStore store;
    private final StreamName offsetStream;
    private final ObjectMapper mapper;
    private final int maxAppendBytes;
    private final String connector;
    private final Decoder<S> decoder;
    private long offsetVersion = -1;
    private S state;
    private S durable;
    /**
     * The parts of the next append, in order of each stream's first event, built as events are added (while the
     * source still sends the transaction) rather than at its commit: a part per row of a large transaction.
     */
    private List<StreamAppend> parts = new ArrayList<>();
    /** Per stream, the index of its part in {@link #parts}. */
    private final Map<StreamName, Integer> partOf = new HashMap<>();
    /** The events of the streams with more than one, by part index (their parts are rebuilt at the commit). */
    private final Map<Integer, List<EventData>> several = new HashMap<>();
    private String lastType;
    private int lastTypeBytes;
    private long pendingBytes;
    private long pendingEvents;
    private PartialPosition<S> txPartial;
    private String txName;
    private long txDone;
    private long chunkedAppends;
    private final ArrayDeque<InFlight<S>> inFlight = new ArrayDeque<>();

    /**
     * A writer for {@code connector}'s offset stream; {@code initial} (may be null) is its state until
     * {@link #load()} finds a position.
     */
    public LogWriter(EventStore store, StreamName offsetStream, ObjectMapper mapper, int maxAppendBytes, String connector,
                     Decoder<S> decoder, S initial) {
        this.store = store;
        this.offsetStream = offsetStream;
        this.mapper = mapper;
        this.maxAppendBytes = maxAppendBytes;
        this.connector = connector;
        this.decoder = decoder;
        this.state = initial;
        this.durable = initial;
    }

    /** Reads the newest position from the offset stream; the initial state when there is none. */
    public S load() {
        try {
            ReadSlice last = store.readStream(offsetStream, Long.MAX_VALUE, 1, Direction.BACKWARD);
            if (!last.events().isEmpty()) {
                offsetVersion = last.events().get(0).version();
                state = decoder.fromJson(mapper, last.events().get(0).data());
                durable = state;
            }
        } catch (StreamNotFoundException e) {
            offsetVersion = -1;
        }
        return state;
    }

    /** The offset stream's last version ({@code -1}: none): grows with every position appended. */
    public long offsetVersion() {
        return offsetVersion;
    }

    /** Whether the offset stream has a position. */
    public boolean hasPosition() {
        return offsetVersion >= 0;
    }

    /** The newest position sent to the log (durable once {@link #durable(boolean)} says so). */
    public S state() {
        return state;
    }

    /**
     * Starts writing a source transaction ({@code name} in error messages) of which {@code alreadyDone} events
     * are already in the log (an earlier, interrupted chunked append); a chunk of it is appended with the
     * position {@code partial} gives.
     */
    public void beginTx(String name, PartialPosition<S> partial, long alreadyDone) {
        txName = name;
        txPartial = partial;
        txDone = alreadyDone;
    }

    /**
     * Adds an event of the transaction being written; when the buffered events fill an append they are
     * appended with a partial position (a transaction larger than one append). Outside a transaction
     * (a snapshot chunk) the caller checks {@link #full()} and commits.
     */
    public void add(StreamName stream, EventData event) {
        Integer at = partOf.putIfAbsent(stream, parts.size());
        if (at == null) {
            parts.add(new StreamAppend(stream, ExpectedVersion.any(), List.of(event)));
        } else {
            several.computeIfAbsent(at, i -> new ArrayList<>(parts.get(i).events())).add(event);
        }
        pendingBytes += sizeBytes(event) + stream.value().length() + 64;
        pendingEvents++;
        if (txPartial != null && full()) {
            long done = txDone + pendingEvents;
            commit(txPartial.after(state, done));
            txDone = done;
            chunkedAppends++;
        }
    }

    /** {@link EventData#sizeBytes()}, without encoding the type again for each event of the same type. */
    private int sizeBytes(EventData event) {
        String type = event.type();
        if (!type.equals(lastType)) {
            lastType = type;
            lastTypeBytes = type.getBytes(StandardCharsets.UTF_8).length;
        }
        return event.data().length + event.metadata().length + lastTypeBytes;
    }

    /** Appends the rest of the transaction with its final position. */
    public void endTx(S newState) {
        commit(newState);
        endOfTx();
    }

    /**
     * Drops the transaction being written (it was rolled back).
     *
     * @throws CdcException when part of it is in the log already (it was larger than one append)
     */
    public void discardTx() {
        if (txPartial != null && txDone > 0) {
            throw new CdcException("a transaction (" + txName + ") was rolled back after " + txDone
                    + " of its events were appended (it was larger than one append of maxAppendBytes); "
                    + "the log holds changes that did not happen — raise maxAppendBytes and capture again");
        }
        discard();
        endOfTx();
    }

    private void endOfTx() {
        txPartial = null;
        txName = null;
        txDone = 0;
    }

    /** Drops the buffered events (a skipped transaction, a snapshot chunk that could not be read to its end). */
    public void discard() {
        parts = new ArrayList<>();
        partOf.clear();
        several.clear();
        pendingBytes = 0;
        pendingEvents = 0;
    }

    /** How many appends carried part of a transaction too large for one (for tests and status). */
    public long chunkedAppends() {
        return chunkedAppends;
    }

    /** Approximate bytes buffered and not yet appended. */
    public long pendingBytes() {
        return pendingBytes;
    }

    /**
     * Whether the buffered events fill an append of {@code maxAppendBytes} (counted with each event's
     * stream name and frame overhead, so the store's request, which may name any number of streams,
     * stays within it).
     */
    public boolean full() {
        return pendingBytes >= maxAppendBytes;
    }

    /** Number of events buffered and not yet appended. */
    public long pendingEvents() {
        return pendingEvents;
    }

    /**
     * Appends the buffered events (possibly none) and {@code newState} atomically, without waiting.
     * Throws {@link CdcException} when an earlier append failed.
     */
    public void commit(S newState) {
        List<StreamAppend> appends = pendingAppends();
        byte[] json = newState.toJson(mapper);
        UUID id = UUID.nameUUIDFromBytes((connector + "/position/" + (offsetVersion + 1) + "/"
                + new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        EventData position = new EventData(id, POSITION_TYPE, json, new byte[0]);
        ExpectedVersion expected = offsetVersion < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(offsetVersion);
        appends.add(new StreamAppend(offsetStream, expected, List.of(position)));
        // Appends are pipelined (the store commits them in order, in groups): the position of each is
        // durable once its future completes; exact(version) on the offset stream makes a failed append
        // fail every later one, so the log always holds a prefix of what was sent.
        CompletableFuture<MultiAppendResult> appended;
        try {
            appended = store.appendAll(appends);
        } catch (PayloadTooLargeException e) {
            throw new CdcException("the store refused an append of " + pendingEvents + " captured events as too large ("
                    + e.getMessage() + "): set the source's maxAppendBytes (now " + maxAppendBytes
                    + ") below the store's maxRequestBytes, or raise maxRequestBytes", e);
        }
        inFlight.addLast(new InFlight<>(appended, newState));
        while (inFlight.size() > MAX_IN_FLIGHT) {
            harvest();
        }
        offsetVersion++;
        state = newState;
        discard();
    }

    /** The buffered events as one part per stream (the list is handed over: {@link #discard()} starts a new one). */
    private List<StreamAppend> pendingAppends() {
        for (Map.Entry<Integer, List<EventData>> e : several.entrySet()) {
            parts.set(e.getKey(), new StreamAppend(parts.get(e.getKey()).stream(), ExpectedVersion.any(), e.getValue()));
        }
        return parts;
    }

    /** The newest append handed to the store (a completed future when there is none). */
    public CompletableFuture<?> lastAppend() {
        return inFlight.isEmpty() ? CompletableFuture.completedFuture(null) : inFlight.peekLast().future();
    }

    /**
     * Collects completed appends (waiting for them all when {@code wait}) and returns the newest
     * position that is durable in the log. Throws {@link CdcException} when an append failed.
     */
    public S durable(boolean wait) {
        while (!inFlight.isEmpty() && (wait || inFlight.peekFirst().future().isDone())) {
            harvest();
        }
        return durable;
    }

    private void harvest() {
        InFlight<S> first = inFlight.peekFirst();
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
