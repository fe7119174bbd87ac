package io.tributary.eventsourcing.internal;

import com.fasterxml.jackson.databind.ObjectReader;
import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.TributaryException;
import io.tributary.eventsourcing.SnapshotSettings;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the snapshots of one state type. A snapshot of stream {@code s} is an event
 * of type {@value #TYPE} in stream {@code snapshot-s}. Snapshots are an optimisation: one that
 * cannot be used is skipped with a log line, and a failed write is logged, never thrown.
 */
final class SnapshotStore<S> {
    static final String TYPE = "Snapshot";
    static final String PREFIX = "snapshot-";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    private final EventStore store;
    private final SnapshotSettings<S> settings;
    private final ObjectReader stateReader;
    private final ObjectReader metadataReader = Json.MAPPER.readerFor(SnapshotMetadata.class);

    /** What a snapshot's metadata records. */
    record SnapshotMetadata(String stateType, int stateSchemaVersion, long version, long position, Instant timestamp) {
    }

    /** A usable snapshot: the state right after the event at {@code version}. */
    record Snapshot<S>(S state, long version, long position) {
    }

    SnapshotStore(EventStore store, SnapshotSettings<S> settings) {
        this.store = store;
        this.settings = settings;
        this.stateReader = Json.MAPPER.readerFor(settings.stateType());
    }

    /** The snapshot stream of {@code stream}; empty when the name would be too long. */
    static Optional<StreamName> snapshotStream(StreamName stream) {
        String name = PREFIX + stream.value();
        return StreamName.problem(name) == null ? Optional.of(StreamName.of(name)) : Optional.empty();
    }

    /**
     * The newest snapshot of the current state schema taken at or before {@code maxVersion} and
     * {@code asOf}, among the last {@code keepSnapshots} snapshots.
     */
    Optional<Snapshot<S>> newest(StreamName stream, long maxVersion, Instant asOf) {
        Optional<StreamName> snapshots = snapshotStream(stream);
        if (snapshots.isEmpty()) {
            return Optional.empty();
        }
        java.util.List<RecordedEvent> candidates;
        try {
            candidates = store.readStream(snapshots.get(), Long.MAX_VALUE, settings.keepSnapshots(), Direction.BACKWARD).events();
        } catch (StreamNotFoundException e) {
            return Optional.empty();
        }
        for (RecordedEvent candidate : candidates) {
            SnapshotMetadata meta;
            try {
                meta = metadataReader.readValue(candidate.metadata());
            } catch (IOException e) {
                LOG.warn("ignoring snapshot {}@{}: unreadable metadata ({})", candidate.stream(), candidate.version(), e.getMessage());
                continue;
            }
            if (meta.stateSchemaVersion() != settings.stateSchemaVersion()) {
                LOG.debug("ignoring snapshot {}@{} of state schema {} (current: {})", candidate.stream(),
                        candidate.version(), meta.stateSchemaVersion(), settings.stateSchemaVersion());
                continue;
            }
            if (meta.version() > maxVersion || meta.timestamp().isAfter(asOf)) {
                continue;
            }
            try {
                S state = stateReader.readValue(candidate.data());
                return Optional.of(new Snapshot<>(state, meta.version(), meta.position()));
            } catch (IOException e) {
                LOG.warn("ignoring snapshot {}@{}: its state does not decode as {} ({}); raise stateSchemaVersion "
                        + "when the state changes shape", candidate.stream(), candidate.version(),
                        settings.stateType().getName(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Writes a snapshot of {@code state} taken right after the event at {@code version}. */
    void write(StreamName stream, S state, long version, long position, Instant timestamp) {
        Optional<StreamName> snapshots = snapshotStream(stream);
        if (snapshots.isEmpty()) {
            return;
        }
        try {
            SnapshotMetadata meta = new SnapshotMetadata(settings.stateType().getName(), settings.stateSchemaVersion(),
                    version, position, timestamp);
            EventData event = new EventData(UUID.randomUUID(), TYPE, Json.MAPPER.writeValueAsBytes(state),
                    Json.MAPPER.writeValueAsBytes(meta));
            AppendResult result = Futures.join(store.append(snapshots.get(), ExpectedVersion.any(), event));
            if (result.firstVersion() == 0) {
                // Old snapshots are only a fallback for time travel; keep a bounded number.
                Futures.join(store.setStreamMetadata(snapshots.get(), StreamMetadata.none().withMaxCount(settings.keepSnapshots())));
            }
        } catch (IOException | TributaryException e) {
            LOG.warn("could not write a snapshot of {} at version {}: {}", stream, version, e.toString());
        }
    }
}
