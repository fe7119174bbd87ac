package io.tributary.store;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * What {@link CrashChild} writes and {@link CrashRecoveryIT} checks, shared by both sides so the
 * parent can recompute every event's content from its id alone.
 *
 * <p>An append request is identified by a 64-bit {@code msb} that is unique per original request;
 * event {@code i} of part {@code p} gets the id {@code UUID(msb, TAG | p << 32 | i)}. The request
 * travels from child to parent as an "intent" line written before the request is submitted.
 */
final class CrashWorkload {
    /** Small segments so that segment rolls happen in nearly every round. */
    static final long SEGMENT_BYTES = 2L << 20;
    static final int MAX_EVENT_BYTES = 64 << 10;
    static final int MAX_REQUEST_BYTES = 512 << 10;
    static final int MAX_BATCH_BYTES = 256 << 10;
    /** The child keeps each request's payload below this, well under {@link #MAX_REQUEST_BYTES}. */
    static final int REQUEST_PAYLOAD_CAP_BYTES = 128 << 10;

    private static final long ID_TAG = 0x5EL << 56;
    private static final String[] TYPES = {"Opened", "Deposited", "Withdrawn", "Noted", "Transferred", "Closed"};

    private CrashWorkload() {
    }

    /** The store configuration of both the child and the verifying parent (same segment size). */
    static StoreConfig config(Path dir, Durability durability, long checkpointIntervalMs) {
        return StoreConfig.builder(dir).durability(durability).segmentSizeBytes(SEGMENT_BYTES)
                .maxEventBytes(MAX_EVENT_BYTES).maxRequestBytes(MAX_REQUEST_BYTES).maxBatchBytes(MAX_BATCH_BYTES)
                .checkpointIntervalMs(checkpointIntervalMs).build();
    }

    /** The id of event {@code index} of part {@code part} of request {@code msb}. */
    static UUID eventId(long msb, int part, int index) {
        return new UUID(msb, ID_TAG | ((long) part << 32) | (index & 0xFFFF_FFFFL));
    }

    /** The part number encoded in an id made by {@link #eventId}, or -1 if the id was not made there. */
    static int partOf(UUID id) {
        long lsb = id.getLeastSignificantBits();
        return (lsb & (0xFFL << 56)) == ID_TAG ? (int) ((lsb >>> 32) & 0xFF_FFFF) : -1;
    }

    /** The index within its part encoded in an id made by {@link #eventId}. */
    static int indexOf(UUID id) {
        return (int) id.getLeastSignificantBits();
    }

    /**
     * The event with this id: type, data and metadata all derived from the id. Sizes are mostly
     * small, sometimes a few KiB, rarely tens of KiB; data is empty now and then.
     */
    static EventData event(UUID id) {
        SplittableRandom r = new SplittableRandom(id.getMostSignificantBits() * 0x9E3779B97F4A7C15L
                ^ id.getLeastSignificantBits());
        String type = TYPES[r.nextInt(TYPES.length)];
        double sizeClass = r.nextDouble();
        int size = sizeClass < 0.05 ? 0
                : sizeClass < 0.88 ? r.nextInt(1, 256)
                : sizeClass < 0.98 ? r.nextInt(256, 4096)
                : r.nextInt(4096, 32 << 10);
        byte[] data = new byte[size];
        r.nextBytes(data);
        byte[] metadata = r.nextBoolean() ? new byte[0]
                : ("{\"correlationId\":\"" + id + "\",\"n\":" + r.nextInt(1000) + "}").getBytes(StandardCharsets.UTF_8);
        return new EventData(id, type, data, metadata);
    }

    /** CRC-32C over type, data and metadata of every event of the request, in order. */
    static int contentHash(List<List<EventData>> parts) {
        CRC32C crc = new CRC32C();
        for (List<EventData> part : parts) {
            for (EventData e : part) {
                crc.update(e.type().getBytes(StandardCharsets.UTF_8));
                crc.update(e.data());
                crc.update(e.metadata());
            }
        }
        return (int) crc.getValue();
    }

    /** One stream's part of a request: where, with which check, how many events. */
    record Part(String stream, ExpectedVersion expected, int count) {
    }

    /**
     * An append request as announced before it is submitted.
     *
     * @param reqId    unique per submission (a retry gets a new one)
     * @param msb      unique per original request; a retry repeats its original's msb
     * @param mayFail  a version-check failure is a legitimate outcome
     * @param retry    re-sends an earlier acknowledged request unchanged
     * @param parts    one per stream
     */
    record Request(String reqId, long msb, boolean mayFail, boolean retry, List<Part> parts) {
        Request {
            parts = List.copyOf(parts);
        }

        int eventCount() {
            int n = 0;
            for (Part p : parts) {
                n += p.count();
            }
            return n;
        }

        List<List<EventData>> events() {
            List<List<EventData>> out = new ArrayList<>(parts.size());
            for (int p = 0; p < parts.size(); p++) {
                List<EventData> events = new ArrayList<>(parts.get(p).count());
                for (int i = 0; i < parts.get(p).count(); i++) {
                    events.add(event(eventId(msb, p, i)));
                }
                out.add(events);
            }
            return out;
        }

        /** The request as store appends, given its {@link #events()}. */
        List<StreamAppend> toAppends(List<List<EventData>> events) {
            List<StreamAppend> out = new ArrayList<>(parts.size());
            for (int p = 0; p < parts.size(); p++) {
                out.add(new StreamAppend(StreamName.of(parts.get(p).stream()), parts.get(p).expected(), events.get(p)));
            }
            return out;
        }

        Request asRetry(String newReqId) {
            return new Request(newReqId, msb, false, true, parts);
        }

        /** {@code I <reqId> <msbHex> <flags> <hash> <stream>:<expected>:<count>...}, given its {@link #events()}. */
        String intentLine(List<List<EventData>> events) {
            StringBuilder sb = new StringBuilder("I ").append(reqId).append(' ').append(Long.toHexString(msb)).append(' ')
                    .append(retry ? "r" : mayFail ? "m" : "-").append(' ').append(Integer.toHexString(contentHash(events)));
            for (Part p : parts) {
                sb.append(' ').append(p.stream()).append(':').append(p.expected()).append(':').append(p.count());
            }
            return sb.toString();
        }

        /** Parses {@link #intentLine}; the content hash it carries is {@link #hashOfIntent}. */
        static Request parseIntent(String line) {
            String[] f = line.split(" ");
            if (f.length < 6 || !f[0].equals("I")) {
                throw new IllegalArgumentException("not an intent line: " + line);
            }
            List<Part> parts = new ArrayList<>();
            for (int i = 5; i < f.length; i++) {
                String[] p = f[i].split(":");
                parts.add(new Part(p[0], ExpectedVersion.parse(p[1]), Integer.parseInt(p[2])));
            }
            return new Request(f[1], Long.parseUnsignedLong(f[2], 16), f[3].equals("m"), f[3].equals("r"), parts);
        }

        /** The content hash the child computed, from an intent line. */
        static int hashOfIntent(String line) {
            return Integer.parseUnsignedInt(line.split(" ", 6)[4], 16);
        }
    }
}
