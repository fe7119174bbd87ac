package io.tributary.store;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.store.CrashWorkload.Part;
import io.tributary.store.CrashWorkload.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * The parent's knowledge of what the crash children asked for and were told, across all rounds,
 * and the checks of a recovered store against it.
 *
 * <p>Every request the child may have submitted is known from its intent line. After a crash a
 * request is either entirely in the log or not at all; an acknowledged one must be there, with
 * the versions and positions it was acknowledged with; a failed one must not. Whatever one check
 * found (present or absent, and at which positions) must hold at every later check.
 */
final class CrashModel {
    private static final int MAX_PROBLEMS = 40;

    /** One stream's outcome of an acknowledged append: versions and the reported position. */
    record PartResult(long first, long last, long position) {
    }

    /** What an acknowledgement said. */
    record Ack(long position, List<PartResult> parts) {
    }

    /** Counts of one round, for the log line. */
    record RoundStats(int intents, int acks, int failures, int retries, int inFlightAtKill, int inFlightRecovered,
                      long events) {
    }

    /** The outcome of one check: the problems found (empty when all is well) and the round's counts. */
    record Check(List<String> problems, RoundStats stats) {
    }

    private final Map<Long, Request> originals = new HashMap<>();
    private final Map<Long, String> intentLines = new HashMap<>();
    private final Map<String, Request> submissions = new HashMap<>();
    private final Map<Long, Ack> acks = new HashMap<>();
    private final Set<Long> failed = new HashSet<>();
    private final Map<Long, Boolean> resolved = new HashMap<>();
    private final Map<UUID, Long> seenPositions = new HashMap<>();
    private final List<String> protocolProblems = new ArrayList<>();
    private final Set<String> answeredThisRound = new HashSet<>();
    /** Originals whose content hash is still to be compared (not done while reading, to keep up with the child). */
    private final List<Long> unhashed = new ArrayList<>();
    private final List<Request> submittedThisRound = new ArrayList<>();
    private int acksThisRound;
    private int failuresThisRound;
    private int retriesThisRound;

    /** Acknowledgements seen in the current round. */
    int acksThisRound() {
        return acksThisRound;
    }

    /** Forgets the per-round counters. */
    void startRound() {
        answeredThisRound.clear();
        submittedThisRound.clear();
        acksThisRound = 0;
        failuresThisRound = 0;
        retriesThisRound = 0;
    }

    /** Takes one line of the child's output (I, A or F; others are ignored). */
    void accept(String line) {
        if (line.startsWith("I ")) {
            Request r = Request.parseIntent(line);
            if (submissions.put(r.reqId(), r) != null) {
                problem(protocolProblems, "request id " + r.reqId() + " was announced twice");
            }
            submittedThisRound.add(r);
            if (r.retry()) {
                retriesThisRound++;
                if (!acks.containsKey(r.msb())) {
                    problem(protocolProblems, "retry " + r.reqId() + " re-sends " + Long.toHexString(r.msb())
                            + ", which was never acknowledged");
                }
            } else if (originals.put(r.msb(), r) != null) {
                problem(protocolProblems, "request " + Long.toHexString(r.msb()) + " was announced twice as an original");
            } else {
                intentLines.put(r.msb(), line);
                unhashed.add(r.msb());
            }
        } else if (line.startsWith("A ")) {
            acceptAck(line.split(" "));
        } else if (line.startsWith("F ")) {
            String[] f = line.split(" ");
            Request r = answered(f[1]);
            failuresThisRound++;
            if (r.retry()) {
                problem(protocolProblems, "retry " + r.reqId() + " of the acknowledged request " + Long.toHexString(r.msb())
                        + " failed with " + f[2] + " instead of returning the original result");
            } else {
                failed.add(r.msb());
                if (!r.mayFail()) {
                    problem(protocolProblems, "request " + r.reqId() + " " + r.parts() + " failed with " + f[2]
                            + " although its version checks could only pass");
                }
            }
        }
    }

    private void acceptAck(String[] f) {
        Request r = answered(f[1]);
        acksThisRound++;
        List<PartResult> parts = new ArrayList<>();
        for (int i = 3; i < f.length; i++) {
            String[] p = f[i].split(":");
            parts.add(new PartResult(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])));
        }
        Ack ack = new Ack(Long.parseLong(f[2]), parts);
        if (parts.size() != r.parts().size()) {
            problem(protocolProblems, "ack of " + r.reqId() + " has " + parts.size() + " parts, the request " + r.parts().size());
        }
        if (r.retry()) {
            Ack original = acks.get(r.msb());
            if (original != null && !original.equals(ack)) {
                problem(protocolProblems, "retry " + r.reqId() + " of request " + Long.toHexString(r.msb()) + " " + r.parts()
                        + " returned " + ack + " but the original append returned " + original);
            }
        } else {
            acks.put(r.msb(), ack);
        }
    }

    private Request answered(String reqId) {
        Request r = submissions.get(reqId);
        if (r == null) {
            throw new IllegalStateException("the child answered request " + reqId + " without announcing it");
        }
        if (!answeredThisRound.add(reqId)) {
            problem(protocolProblems, "request " + reqId + " was answered twice");
        }
        return r;
    }

    /** Up to {@code max} intent lines of acknowledged originals, for the next child to re-send. */
    List<String> retryCandidates(Random rnd, int max) {
        List<Long> acked = new ArrayList<>(acks.keySet());
        acked.sort(null);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < max && !acked.isEmpty(); i++) {
            out.add(intentLines.get(acked.remove(rnd.nextInt(acked.size()))));
        }
        return out;
    }

    /**
     * Checks the opened store against everything known and remembers what this check found for
     * later rounds.
     */
    Check verify(EmbeddedEventStore store) {
        List<String> problems = new ArrayList<>(protocolProblems);
        protocolProblems.clear();
        for (long msb : unhashed) {
            Request r = originals.get(msb);
            if (CrashWorkload.contentHash(r.events()) != Request.hashOfIntent(intentLines.get(msb))) {
                problem(problems, "the content hash of " + r.reqId() + " differs between child and parent:"
                        + " the event generator is not deterministic");
            }
        }
        unhashed.clear();
        List<RecordedEvent> all = readAll(store, ReadFilter.all());
        long head = store.headPosition();
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).position() != k) {
                problem(problems, "$all: the event at index " + k + " has position " + all.get(k).position()
                        + " (gap or duplicate): " + all.get(k));
                break;
            }
        }
        if (all.size() != head + 1) {
            problem(problems, "$all has " + all.size() + " events but headPosition() is " + head);
        }

        Map<UUID, RecordedEvent> byId = new HashMap<>();
        Map<Long, List<RecordedEvent>> byRequest = new HashMap<>();
        Map<String, List<RecordedEvent>> byStream = new TreeMap<>();
        for (RecordedEvent e : all) {
            if (byId.put(e.eventId(), e) != null) {
                problem(problems, "event id " + e.eventId() + " is in the log twice, again at " + e);
            }
            byStream.computeIfAbsent(e.stream().value(), s -> new ArrayList<>()).add(e);
            checkEvent(e, byRequest, problems);
        }
        checkRequests(byRequest, problems);
        checkStreams(store, byStream, problems);
        checkIndexedReads(store, all, problems);

        for (Map.Entry<UUID, Long> s : seenPositions.entrySet()) {
            RecordedEvent now = byId.get(s.getKey());
            if (now == null || now.position() != s.getValue()) {
                problem(problems, "event " + s.getKey() + " was at position " + s.getValue() + " at an earlier check, now "
                        + (now == null ? "it is gone" : "it is at " + now.position()));
            }
        }
        for (RecordedEvent e : all) {
            seenPositions.put(e.eventId(), e.position());
        }

        int inFlight = 0;
        int recovered = 0;
        for (Request r : submittedThisRound) {
            if (!answeredThisRound.contains(r.reqId()) && !r.retry()) {
                inFlight++;
                if (Boolean.TRUE.equals(resolved.get(r.msb()))) {
                    recovered++;
                }
            }
        }
        return new Check(problems, new RoundStats(submittedThisRound.size(), acksThisRound, failuresThisRound,
                retriesThisRound, inFlight, recovered, all.size()));
    }

    /** The event must belong to an announced request, in the right stream, with the right content. */
    private void checkEvent(RecordedEvent e, Map<Long, List<RecordedEvent>> byRequest, List<String> problems) {
        UUID id = e.eventId();
        Request r = originals.get(id.getMostSignificantBits());
        int p = CrashWorkload.partOf(id);
        int i = CrashWorkload.indexOf(id);
        if (r == null || p < 0 || p >= r.parts().size() || i < 0 || i >= r.parts().get(p).count()) {
            problem(problems, "the log holds an event no request announced: " + e);
            return;
        }
        if (!e.stream().value().equals(r.parts().get(p).stream())) {
            problem(problems, e + " belongs to stream " + r.parts().get(p).stream() + " (request " + r.reqId() + ")");
        }
        EventData expected = CrashWorkload.event(id);
        if (!expected.type().equals(e.type()) || !Arrays.equals(expected.data(), e.data())
                || !Arrays.equals(expected.metadata(), e.metadata())) {
            problem(problems, e + " of request " + r.reqId() + " does not have the content that was appended: type "
                    + e.type() + " vs " + expected.type() + ", " + e.data().length + " vs " + expected.data().length
                    + " data bytes, " + e.metadata().length + " vs " + expected.metadata().length + " metadata bytes");
        }
        byRequest.computeIfAbsent(id.getMostSignificantBits(), k -> new ArrayList<>()).add(e);
    }

    /** All or nothing per request; acknowledged ones present as acknowledged; failed ones absent. */
    private void checkRequests(Map<Long, List<RecordedEvent>> byRequest, List<String> problems) {
        for (Request r : originals.values()) {
            List<RecordedEvent> events = byRequest.getOrDefault(r.msb(), List.of());
            boolean present = !events.isEmpty();
            Ack ack = acks.get(r.msb());
            if (present && events.size() != r.eventCount()) {
                problem(problems, "PARTIAL request " + r.reqId() + " " + r.parts() + ": " + events.size() + " of "
                        + r.eventCount() + " events are in the log: " + events);
            } else if (present) {
                checkLayout(r, events, ack, problems);
            }
            if (!present && ack != null) {
                problem(problems, "LOST acknowledged request " + r.reqId() + " " + r.parts() + " acknowledged as " + ack);
            }
            if (present && failed.contains(r.msb())) {
                problem(problems, "request " + r.reqId() + " " + r.parts() + " failed but its events are in the log");
            }
            Boolean before = resolved.put(r.msb(), present);
            if (before != null && before != present) {
                problem(problems, "request " + r.reqId() + " was " + (before ? "present" : "absent")
                        + " at an earlier check and is " + (present ? "present" : "absent") + " now");
            }
        }
    }

    /** One frame: consecutive positions in part order, consecutive versions per part, checks honoured. */
    private static void checkLayout(Request r, List<RecordedEvent> events, Ack ack, List<String> problems) {
        long firstPosition = events.get(0).position();
        int k = 0;
        for (int p = 0; p < r.parts().size(); p++) {
            Part part = r.parts().get(p);
            long firstVersion = events.get(k).version();
            for (int i = 0; i < part.count(); i++, k++) {
                RecordedEvent e = events.get(k);
                if (e.position() != firstPosition + k || CrashWorkload.partOf(e.eventId()) != p
                        || CrashWorkload.indexOf(e.eventId()) != i || e.version() != firstVersion + i) {
                    problem(problems, "request " + r.reqId() + " " + r.parts() + " is not laid out as one append"
                            + " (consecutive positions, part order, consecutive versions): " + events);
                    return;
                }
            }
            ExpectedVersion ev = part.expected();
            boolean honoured = ev instanceof ExpectedVersion.Exact x ? firstVersion == x.version() + 1
                    : ev == ExpectedVersion.noStream() ? firstVersion == 0
                    : ev != ExpectedVersion.streamExists() || firstVersion >= 1;
            if (!honoured) {
                problem(problems, "request " + r.reqId() + " appended to " + part.stream() + " with expected version "
                        + ev + " but its first event got version " + firstVersion);
            }
            if (ack != null && p < ack.parts().size()) {
                PartResult a = ack.parts().get(p);
                long lastVersion = firstVersion + part.count() - 1;
                if (a.first() != firstVersion || a.last() != lastVersion) {
                    problem(problems, "request " + r.reqId() + " was acknowledged with versions " + a.first() + ".."
                            + a.last() + " of " + part.stream() + " but the log has " + firstVersion + ".." + lastVersion);
                }
            }
        }
        long lastPosition = firstPosition + r.eventCount() - 1;
        if (ack != null) {
            boolean partsOk = ack.parts().stream().allMatch(a -> a.position() == lastPosition);
            if (ack.position() != lastPosition || !partsOk) {
                problem(problems, "request " + r.reqId() + " was acknowledged with position " + ack + " but its last event"
                        + " is at position " + lastPosition);
            }
        }
    }

    /** Versions 0..last per stream; stream reads and stream info agree with $all. */
    private static void checkStreams(EmbeddedEventStore store, Map<String, List<RecordedEvent>> byStream,
                                     List<String> problems) {
        for (Map.Entry<String, List<RecordedEvent>> s : byStream.entrySet()) {
            List<RecordedEvent> events = s.getValue();
            for (int v = 0; v < events.size(); v++) {
                if (events.get(v).version() != v) {
                    problem(problems, "stream " + s.getKey() + ": in position order, event " + v + " has version "
                            + events.get(v).version() + " (gap or duplicate): " + events.get(v));
                    break;
                }
            }
            StreamName name = StreamName.of(s.getKey());
            RecordedEvent last = events.get(events.size() - 1);
            Optional<StreamInfo> info = store.streamInfo(name);
            if (info.isEmpty() || info.get().lastVersion() != last.version() || info.get().lastPosition() != last.position()) {
                problem(problems, "streamInfo(" + s.getKey() + ") is " + info + " but its last event in $all is " + last);
            }
            List<RecordedEvent> read = readPages(from -> store.readStream(name, from, 10_000, Direction.FORWARD));
            if (!read.equals(events)) {
                problem(problems, "readStream(" + s.getKey() + ") returns " + read.size() + " events that differ from the "
                        + events.size() + " of this stream in $all");
            }
        }
    }

    /** Category and event-type reads (served by indexes) agree with filtering $all. */
    private static void checkIndexedReads(EmbeddedEventStore store, List<RecordedEvent> all, List<String> problems) {
        for (ReadFilter filter : List.of(ReadFilter.categories("shared"), ReadFilter.categories("account"),
                ReadFilter.eventTypes("Noted"))) {
            List<RecordedEvent> expected = all.stream().filter(filter::matches).toList();
            List<RecordedEvent> read = readAll(store, filter);
            if (!read.equals(expected)) {
                problem(problems, "readAll(" + filter + ") returns " + read.size() + " events that differ from the "
                        + expected.size() + " matching events of $all");
            }
        }
    }

    private static List<RecordedEvent> readAll(EmbeddedEventStore store, ReadFilter filter) {
        return readPages(from -> store.readAll(from, 10_000, Direction.FORWARD, filter));
    }

    private static List<RecordedEvent> readPages(Function<Long, ReadSlice> read) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice slice = read.apply(from);
            out.addAll(slice.events());
            if (slice.isEnd()) {
                return out;
            }
            from = slice.next().getAsLong();
        }
    }

    private static void problem(List<String> problems, String p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        } else if (problems.size() == MAX_PROBLEMS) {
            problems.add("... more problems not shown");
        }
    }
}
