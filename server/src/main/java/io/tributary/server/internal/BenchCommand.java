package io.tributary.server.internal;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tributary bench}: a quick local benchmark of the embedded store on this machine, with
 * a raw {@code FileChannel} write + fsync loop of the same batches beside it as the yardstick.
 * For the full, reproducible benchmarks see {@code BENCHMARKS.md} and {@code benchmarks/}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"A quick local benchmark of durable appends and reads on this machine.",
                "Appends in batches, then reads the whole log; beside it a raw FileChannel write + fsync",
                "loop of the same batches (the machine's limit).",
                "Runs in a temporary directory (deleted afterwards) unless --data is given.",
                "For reproducible side-by-side figures use the benchmarks module (BENCHMARKS.md)."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", paramLabel = "N", defaultValue = "200000", description = "events to append (default: 200000)")
    private int events;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100", description = "events per append (default: 100)")
    private int batch;

    @Option(names = "--event-bytes", paramLabel = "N", defaultValue = "200", description = "data bytes per event (default: 200)")
    private int eventBytes;

    @Option(names = "--durability", paramLabel = "MODE", defaultValue = "fsync",
            description = "fsync (default), none or interval:<ms>")
    private String durability;

    @Option(names = "--data", paramLabel = "DIR", description = "an empty or missing directory to keep the data in")
    private Path data;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        check(events >= 1 && events <= 100_000_000, "--events must be between 1 and 100000000, got " + events);
        check(batch >= 1 && batch <= 10_000, "--batch must be between 1 and 10000, got " + batch);
        check(eventBytes >= 0 && eventBytes <= 65_536, "--event-bytes must be between 0 and 65536, got " + eventBytes);
        Durability mode;
        try {
            mode = Durability.parse(durability);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--durability: " + e.getMessage());
        }
        boolean temporary = data == null;
        if (!temporary && Files.exists(data)) {
            try (Stream<Path> entries = Files.list(data)) {
                check(entries.findAny().isEmpty(), "--data " + data + " is not empty: give an empty or missing directory");
            }
        }
        Path dir = temporary ? Files.createTempDirectory("tributary-bench") : data;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            out.printf(Locale.ROOT, "tributary bench: %,d events of %d bytes in appends of %d, durability %s, in %s%n",
                    events, eventBytes, batch, durability, dir);
            out.flush();
            long[] latencies = new long[(events + batch - 1) / batch];
            double appendRate;
            double readRate;
            try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir.resolve("store")).durability(mode).build())) {
                appendRate = appends(store, latencies, err);
                readRate = readAll(store);
            }
            double rawRate = rawLoop(dir.resolve("raw.log"), mode);
            Arrays.sort(latencies);
            out.printf(Locale.ROOT, "append   %,12.0f events/s   batch latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    appendRate, ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)), ms(latencies[latencies.length - 1]));
            out.printf(Locale.ROOT, "raw loop %,12.0f events/s   FileChannel.write + %s of the same batches: Tributary at %.2fx%n",
                    rawRate, mode == Durability.fsync() ? "force" : "no force", appendRate / rawRate);
            out.printf(Locale.ROOT, "read $all %,11.0f events/s%n", readRate);
            out.flush();
            return 0;
        } finally {
            if (temporary) {
                deleteTree(dir);
            }
        }
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    private double appends(EmbeddedEventStore store, long[] latencies, PrintWriter progress) {
        byte[] payload = payload();
        long start = System.nanoTime();
        long lastReport = start;
        int done = 0;
        for (int b = 0; done < events; b++) {
            int n = Math.min(batch, events - done);
            List<EventData> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(EventData.of("BenchEvent", payload));
            }
            long t0 = System.nanoTime();
            store.append(StreamName.of("bench", b % 100), ExpectedVersion.any(), list).join();
            long t1 = System.nanoTime();
            latencies[b] = t1 - t0;
            done += n;
            if (t1 - lastReport > 2_000_000_000L) {
                progress.printf(Locale.ROOT, "  %,d of %,d events appended%n", done, events);
                progress.flush();
                lastReport = t1;
            }
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }

    private byte[] payload() {
        byte[] payload = new byte[eventBytes];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }

    private double readAll(EmbeddedEventStore store) {
        long start = System.nanoTime();
        long read = 0;
        long from = 0;
        while (true) {
            ReadSlice slice = store.readAll(from, 4096, Direction.FORWARD, ReadFilter.all());
            read += slice.events().size();
            if (slice.next().isEmpty() || slice.events().isEmpty()) {
                break;
            }
            from = slice.next().getAsLong();
        }
        return read / ((System.nanoTime() - start) / 1e9);
    }

    /** The same batches written to a plain file, each with a fsync when the store's mode has one. */
    private double rawLoop(Path file, Durability mode) throws IOException {
        int frame = 48 + eventBytes; // a header of about our frame's size per event
        ByteBuffer buffer = ByteBuffer.allocateDirect(frame * batch);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            int done = 0;
            while (done < events) {
                int n = Math.min(batch, events - done);
                buffer.clear();
                for (int i = 0; i < n; i++) {
                    buffer.putLong(done + i).putInt(eventBytes);
                    for (int j = 12; j < frame; j++) {
                        buffer.put((byte) 'x');
                    }
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                if (mode == Durability.fsync()) {
                    ch.force(false);
                }
                done += n;
            }
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the benchmark directory " + dir, e);
        }
    }
}
