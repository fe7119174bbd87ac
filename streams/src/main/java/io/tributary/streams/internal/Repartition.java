package io.tributary.streams.internal;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.streams.Serde;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The repartition streams of a partitioned run: how records that come out of state in one partition
 * reach the partition of their new key. Partition {@code i} of processor {@code name} appends them,
 * as outputs with deterministic ids, to its own stream {@code tributary.repartition-<name>/<i>}; the
 * dispatcher reads them back from the log with the sources and routes them like source records. Two
 * event types: a <em>record</em> (boundary, key, value, event time, and the upstream stage's
 * watermark when it was emitted) and a <em>watermark</em> mark (the upstream stage's watermark, at
 * the partition's watermark broadcasts), from which the dispatcher computes the next stage's watermark.
 *
 * <p>Both also carry their <em>cause</em>: the log position of the source event whose processing
 * (directly, or through earlier repartition streams) wrote them, so that a processor can tell when
 * everything an input position caused has been processed ({@code awaitPosition}).
 *
 * <p>Binary layout (big-endian): a record is {@code int boundary, int fromStage, int partition, long
 * watermarkMs, long timestampMs, long cause, int keyLength, key, value}; a mark is {@code int fromStage,
 * int partition, long watermarkMs, long cause}.
 */
final class Repartition {
    /** The category of every processor's repartition streams. */
    static final String CATEGORY = "tributary.repartition";
    /** The type of a re-keyed record. */
    static final String RECORD = "Repartitioned";
    /** The type of a watermark mark. */
    static final String MARK = "RepartitionWatermark";

    /** A boundary where records are repartitioned through the log, with the serdes that write them. */
    record Spec(Serde<Object> keys, Serde<Object> values) {
    }

    /** A decoded repartition event. {@code boundary} is -1 for a mark (then key and value are null). */
    record Read(int boundary, int fromStage, int partition, long watermarkMs, long timestampMs, long cause, Object key, Object value) {
        boolean isMark() {
            return boundary < 0;
        }
    }

    private Repartition() {
    }

    /** The repartition stream of the task named {@code taskName} ({@code <processor>/<partition>}). */
    static String stream(String taskName) {
        return CATEGORY + "-" + taskName;
    }

    /** The prefix of every repartition stream of processor {@code name}. */
    static String prefix(String name) {
        return CATEGORY + "-" + name + "/";
    }

    static byte[] record(int boundary, int fromStage, int partition, long watermarkMs, long timestampMs, long cause,
                         byte[] key, byte[] value) {
        return ByteBuffer.allocate(40 + key.length + value.length).putInt(boundary).putInt(fromStage).putInt(partition)
                .putLong(watermarkMs).putLong(timestampMs).putLong(cause).putInt(key.length).put(key).put(value).array();
    }

    static byte[] mark(int fromStage, int partition, long watermarkMs, long cause) {
        return ByteBuffer.allocate(24).putInt(fromStage).putInt(partition).putLong(watermarkMs).putLong(cause).array();
    }

    /**
     * Decodes {@code event}, a repartition event of this processor.
     *
     * @param specs the repartition boundaries' serdes, by boundary number (null where none)
     * @param partitions the number of partitions, which must be the one that wrote the event
     * @throws IllegalStateException naming the event when it does not fit this processor's topology
     */
    static Read read(RecordedEvent event, List<Spec> specs, int partitions) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(event.data());
            if (event.type().equals(MARK)) {
                Read r = new Read(-1, buf.getInt(), buf.getInt(), buf.getLong(), Long.MIN_VALUE, buf.getLong(), null, null);
                check(event, r, specs.size(), partitions);
                return r;
            }
            int boundary = buf.getInt();
            int from = buf.getInt();
            int partition = buf.getInt();
            long wm = buf.getLong();
            long ts = buf.getLong();
            long cause = buf.getLong();
            byte[] key = new byte[buf.getInt()];
            buf.get(key);
            byte[] value = new byte[buf.remaining()];
            buf.get(value);
            Read shape = new Read(boundary, from, partition, wm, ts, cause, null, null);
            check(event, shape, specs.size(), partitions);
            Spec spec = boundary < specs.size() ? specs.get(boundary) : null;
            if (spec == null) {
                throw new IllegalStateException("repartition event at position " + event.position() + " in " + event.stream()
                        + " names boundary " + boundary + ", which is not a repartition boundary of this topology: the"
                        + " topology changed since the event was written; give the changed processor a new name");
            }
            return new Read(boundary, from, partition, wm, ts, cause, spec.keys().deserialize(key), spec.values().deserialize(value));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalStateException("repartition event at position " + event.position() + " in " + event.stream()
                    + " is truncated (" + event.data().length + " bytes)", e);
        }
    }

    private static void check(RecordedEvent event, Read r, int boundaries, int partitions) {
        if (r.partition() < 0 || r.partition() >= partitions || r.fromStage() < 0 || r.fromStage() >= boundaries) {
            throw new IllegalStateException("repartition event at position " + event.position() + " in " + event.stream()
                    + " comes from partition " + r.partition() + ", stage " + r.fromStage() + ", which this run (" + partitions
                    + " partitions) does not have: keep the partition count of a processor stable, or give it a new name");
        }
    }

    /** Whether {@code event} is one of the repartition events of the processor whose streams start with {@code prefix}. */
    static boolean isRepartition(RecordedEvent event, String prefix) {
        return event.stream().value().startsWith(prefix) && (event.type().equals(RECORD) || event.type().equals(MARK));
    }

    /** {@code filter} widened to also read the repartition streams (as {@link Ticks#withTicks} does for ticks). */
    static ReadFilter withRepartitions(ReadFilter filter) {
        return Ticks.widened(filter, CATEGORY, RECORD, MARK);
    }
}
