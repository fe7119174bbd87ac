package io.tributary.benchmarks.nexmark;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.internal.FrameView;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The generated events as Tributary's log stores them: one events frame per 1,000 events (one
 * appended batch: one commit timestamp, the events of the three streams in generation order),
 * encoded before the timer by the store's own codec, checksum included. Tributary's side of the
 * benchmark reads these frames as a processor's subscription reads a segment: each frame's
 * checksum checked and its events walked in place by the store's {@link FrameView}, a transient
 * view per event handed to the driver.
 */
final class LogFrames {
    static final StreamName PERSONS = StreamName.of("person-nexmark");
    static final StreamName AUCTIONS = StreamName.of("auction-nexmark");
    static final StreamName BIDS = StreamName.of("bid-nexmark");
    /** Events per frame: per appended batch. */
    static final int BATCH = 1000;
    private static final byte[] NO_METADATA = new byte[0];

    private final ByteBuffer[] frames;
    private final int events;

    private LogFrames(ByteBuffer[] frames, int events) {
        this.frames = frames;
        this.events = events;
    }

    /** Encodes {@code events} into frames of {@link #BATCH}. */
    static LogFrames encode(EncodedEvents events) {
        int n = events.size();
        ByteBuffer[] frames = new ByteBuffer[(n + BATCH - 1) / BATCH];
        List<RecordedEvent> batch = new ArrayList<>(BATCH);
        for (int f = 0; f < frames.length; f++) {
            batch.clear();
            int from = f * BATCH;
            Instant appended = Instant.ofEpochMilli(events.time(from));
            for (int i = from; i < Math.min(n, from + BATCH); i++) {
                batch.add(record(events, i, appended));
            }
            frames[f] = FrameView.encode(appended.toEpochMilli(), batch);
        }
        return new LogFrames(frames, n);
    }

    /** Event {@code n} as the log records it (position and version {@code n}, id from {@code n}). */
    static RecordedEvent record(EncodedEvents events, int n, Instant appended) {
        StreamName stream;
        String type;
        if (events.isBid(n)) {
            stream = BIDS;
            type = "Bid";
        } else if (events.isAuction(n)) {
            stream = AUCTIONS;
            type = "Auction";
        } else {
            stream = PERSONS;
            type = "Person";
        }
        return new RecordedEvent(stream, n, n, new UUID(0, n), type, events.data(n), NO_METADATA, appended);
    }

    /** The frames, in log order (read-only use: walk them with a {@link FrameView}). */
    ByteBuffer[] frames() {
        return frames;
    }

    /** The number of events in all frames. */
    int events() {
        return events;
    }
}
