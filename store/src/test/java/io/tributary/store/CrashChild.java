package io.tributary.store;

import io.tributary.core.AppendResult;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.store.CrashWorkload.Part;
import io.tributary.store.CrashWorkload.Request;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The program {@link CrashRecoveryIT} and {@link DataDirectoryLockIT} run in a child JVM.
 *
 * <pre>
 * append &lt;dir&gt; &lt;durability&gt; &lt;checkpointMs&gt; &lt;round&gt; &lt;seed&gt; &lt;threads&gt; &lt;retryFile&gt;
 *     opens the store, prints READY, then appends from several threads until killed. Before
 *     submitting a request it prints its intent line; when the future completes it prints
 *     "A &lt;reqId&gt; &lt;position&gt; &lt;first&gt;:&lt;last&gt;:&lt;partPosition&gt;..." or "F &lt;reqId&gt; &lt;exception&gt;".
 * hold &lt;dir&gt;
 *     opens the store, appends one event, prints READY, closes on the stdin line "close"
 *     (prints CLOSED), exits on "exit".
 * </pre>
 *
 * Every line is written with one unbuffered write, so the parent sees whole lines only. The child
 * exits by itself when its stdin ends (the parent died) so that it never outlives a test run.
 */
public final class CrashChild {
    private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);
    /** Hard stop for a child nobody kills (the parent kills it long before). */
    private static final long MAX_RUN_SECONDS = 120;

    private CrashChild() {
    }

    /** Runs the mode named by {@code args[0]}; see the class description. */
    public static void main(String[] args) throws Exception {
        try {
            switch (args[0]) {
                case "append" -> append(args);
                case "hold" -> hold(args);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            emit("E " + t.toString().replace('\n', ' '));
            Runtime.getRuntime().halt(3);
        }
    }

    static void emit(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (OUT) {
            try {
                OUT.write(bytes);
                OUT.flush();
            } catch (IOException e) {
                // The parent is gone: nobody is listening, stop at once.
                Runtime.getRuntime().halt(5);
            }
        }
    }

    // ------------------------------------------------------------------ append mode

    private static void append(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        Durability durability = Durability.parse(args[2]);
        long checkpointMs = Long.parseLong(args[3]);
        int round = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        int threads = Integer.parseInt(args[6]);
        List<Request> previouslyAcked = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[7]))) {
            if (!line.isBlank()) {
                previouslyAcked.add(Request.parseIntent(line));
            }
        }
        exitWhenParentGoes();
        EmbeddedEventStore store = Tributary.open(CrashWorkload.config(dir, durability, checkpointMs));
        emit("READY " + store.headPosition());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(store, round, t, new SplittableRandom(seed * 31 + t), previouslyAcked);
            Thread thread = new Thread(w, "crash-worker-" + t);
            workers.add(thread);
            thread.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_RUN_SECONDS);
        for (Thread t : workers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        emit("E the child ran " + MAX_RUN_SECONDS + " s without being killed");
        Runtime.getRuntime().halt(4);
    }

    private static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // The parent never writes in append mode; EOF means it is gone.
                }
            } catch (IOException ignored) {
                // same as EOF
            }
            Runtime.getRuntime().halt(6);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** One appending thread: owns some streams (so it knows their versions) and shares others. */
    private static final class Worker implements Runnable {
        private static final int OWN_STREAMS = 6;
        private static final int SHARED_STREAMS = 4;

        private final EmbeddedEventStore store;
        private final int round;
        private final int thread;
        private final SplittableRandom rnd;
        private final List<Request> previouslyAcked;
        private final List<Request> ackedHere = new CopyOnWriteArrayList<>();
        private final String[] own = new String[OWN_STREAMS];
        /** The version each own stream has once everything submitted so far is written. */
        private final long[] predicted = new long[OWN_STREAMS];
        private long seq;
        private volatile boolean resync;

        Worker(EmbeddedEventStore store, int round, int thread, SplittableRandom rnd, List<Request> previouslyAcked) {
            this.store = store;
            this.round = round;
            this.thread = thread;
            this.rnd = rnd;
            this.previouslyAcked = previouslyAcked;
            for (int k = 0; k < OWN_STREAMS; k++) {
                own[k] = "account-" + thread + "x" + k;
            }
        }

        @Override
        public void run() {
            try {
                readOwnVersions();
                while (true) {
                    int burst = 1 + rnd.nextInt(4);
                    List<CompletableFuture<?>> inFlight = new ArrayList<>(burst);
                    for (int b = 0; b < burst; b++) {
                        inFlight.add(submit(nextRequest()));
                    }
                    for (CompletableFuture<?> f : inFlight) {
                        f.handle((r, e) -> null).join();
                    }
                    if (resync) {
                        resync = false;
                        readOwnVersions();
                    }
                }
            } catch (Throwable t) {
                t.printStackTrace();
                emit("E worker " + thread + ": " + t.toString().replace('\n', ' '));
                Runtime.getRuntime().halt(3);
            }
        }

        private void readOwnVersions() {
            for (int k = 0; k < OWN_STREAMS; k++) {
                predicted[k] = store.streamInfo(StreamName.of(own[k])).map(StreamInfo::lastVersion).orElse(-1L);
            }
        }

        private String nextReqId() {
            return round + "." + thread + "." + (seq++);
        }

        private long nextMsb(String reqId) {
            long s = Long.parseLong(reqId.substring(reqId.lastIndexOf('.') + 1));
            // round (16 bits) | thread (8 bits) | sequence (40 bits): unique per original request.
            return ((long) round << 48) | ((long) thread << 40) | s;
        }

        private Request nextRequest() {
            double op = rnd.nextDouble();
            if (op >= 0.93) {
                Request retry = pickRetry();
                if (retry != null) {
                    return retry.asRetry(nextReqId());
                }
            }
            String reqId = nextReqId();
            long msb = nextMsb(reqId);
            if (op < 0.35) {
                int k = rnd.nextInt(OWN_STREAMS);
                return single(reqId, msb, false, k, expectedFor(k));
            }
            if (op < 0.50) {
                int k = rnd.nextInt(OWN_STREAMS);
                return single(reqId, msb, false, k, ExpectedVersion.any());
            }
            if (op < 0.62) {
                String shared = "shared-" + rnd.nextInt(SHARED_STREAMS);
                ExpectedVersion ev = rnd.nextInt(4) == 0 ? ExpectedVersion.streamExists() : ExpectedVersion.any();
                return new Request(reqId, msb, ev != ExpectedVersion.any(), false,
                        List.of(new Part(shared, ev, batchSize(msb, 0))));
            }
            if (op < 0.68) {
                // A guess that races with the other threads: a version conflict is a fine outcome.
                String shared = "shared-" + rnd.nextInt(SHARED_STREAMS);
                long v = store.streamInfo(StreamName.of(shared)).map(StreamInfo::lastVersion).orElse(-1L);
                if (rnd.nextInt(5) == 0) {
                    v += 1 + rnd.nextInt(3);
                }
                ExpectedVersion ev = v < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(v);
                return new Request(reqId, msb, true, false, List.of(new Part(shared, ev, batchSize(msb, 0))));
            }
            return multi(reqId, msb);
        }

        private ExpectedVersion expectedFor(int k) {
            return predicted[k] < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(predicted[k]);
        }

        private Request single(String reqId, long msb, boolean mayFail, int k, ExpectedVersion ev) {
            int count = batchSize(msb, 0);
            predicted[k] += count;
            return new Request(reqId, msb, mayFail, false, List.of(new Part(own[k], ev, count)));
        }

        /** An atomic append to 2-4 streams: own streams with exact versions, shared ones with any. */
        private Request multi(String reqId, long msb) {
            int streams = 2 + rnd.nextInt(3);
            List<Part> parts = new ArrayList<>();
            List<String> used = new ArrayList<>();
            for (int p = 0; p < streams; p++) {
                if (rnd.nextBoolean()) {
                    int k = rnd.nextInt(OWN_STREAMS);
                    if (used.contains(own[k])) {
                        continue;
                    }
                    used.add(own[k]);
                    int count = batchSize(msb, parts.size());
                    parts.add(new Part(own[k], expectedFor(k), count));
                    predicted[k] += count;
                } else {
                    String shared = "shared-" + rnd.nextInt(SHARED_STREAMS);
                    if (used.contains(shared)) {
                        continue;
                    }
                    used.add(shared);
                    parts.add(new Part(shared, ExpectedVersion.any(), batchSize(msb, parts.size())));
                }
            }
            return new Request(reqId, msb, false, false, parts);
        }

        /** 1 (often), 2-8, 9-40 or 41-150 events, fewer if their payload would pass the cap. */
        private int batchSize(long msb, int part) {
            double c = rnd.nextDouble();
            int n = c < 0.55 ? 1 : c < 0.85 ? rnd.nextInt(2, 9) : c < 0.97 ? rnd.nextInt(9, 41) : rnd.nextInt(41, 151);
            int bytes = 0;
            for (int i = 0; i < n; i++) {
                bytes += CrashWorkload.event(CrashWorkload.eventId(msb, part, i)).sizeBytes() + 64;
                if (bytes > CrashWorkload.REQUEST_PAYLOAD_CAP_BYTES / 4) {
                    return Math.max(1, i);
                }
            }
            return n;
        }

        private Request pickRetry() {
            boolean fromEarlierRound = !previouslyAcked.isEmpty() && (ackedHere.isEmpty() || rnd.nextBoolean());
            if (fromEarlierRound) {
                return previouslyAcked.get(rnd.nextInt(previouslyAcked.size()));
            }
            return ackedHere.isEmpty() ? null : ackedHere.get(rnd.nextInt(ackedHere.size()));
        }

        private CompletableFuture<?> submit(Request r) {
            List<List<EventData>> events = r.events();
            // Announce first: whatever the store may have written, the parent must know the request.
            emit(r.intentLine(events));
            CompletableFuture<?> f;
            try {
                if (r.parts().size() == 1 && rnd.nextBoolean()) {
                    Part p = r.parts().get(0);
                    f = store.append(StreamName.of(p.stream()), p.expected(), events.get(0))
                            .whenComplete((res, err) -> {
                                if (err == null) {
                                    emit("A " + r.reqId() + " " + res.position() + " " + part(res));
                                    remember(r);
                                } else {
                                    failed(r, err);
                                }
                            });
                } else {
                    f = store.appendAll(r.toAppends(events)).whenComplete((res, err) -> {
                        if (err == null) {
                            emit(ackLine(r, res));
                            remember(r);
                        } else {
                            failed(r, err);
                        }
                    });
                }
            } catch (RuntimeException e) {
                failed(r, e);
                return CompletableFuture.completedFuture(null);
            }
            return f;
        }

        private void remember(Request r) {
            if (!r.retry() && ackedHere.size() < 256) {
                ackedHere.add(r);
            }
        }

        private void failed(Request r, Throwable err) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            emit("F " + r.reqId() + " " + cause.getClass().getSimpleName());
            if (!r.mayFail()) {
                // Our predictions of own-stream versions may be off now: read them again.
                resync = true;
            }
        }

        private static String ackLine(Request r, MultiAppendResult res) {
            StringBuilder sb = new StringBuilder("A ").append(r.reqId()).append(' ').append(res.position());
            for (AppendResult a : res.results()) {
                sb.append(' ').append(part(a));
            }
            return sb.toString();
        }

        private static String part(AppendResult a) {
            return a.firstVersion() + ":" + a.lastVersion() + ":" + a.position();
        }
    }

    // ------------------------------------------------------------------ hold mode

    private static void hold(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        EmbeddedEventStore store = Tributary.open(CrashWorkload.config(dir, Durability.fsync(), 1000));
        store.append(StreamName.of("lock-probe"), ExpectedVersion.any(),
                CrashWorkload.event(CrashWorkload.eventId(1, 0, 0))).join();
        emit("READY " + store.headPosition());
        boolean open = true;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("close") && open) {
                store.close();
                open = false;
                emit("CLOSED");
            } else if (line.equals("exit")) {
                break;
            }
        }
        if (open) {
            store.close();
        }
        System.exit(0);
    }
}
