package io.tributary.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Debezium side of {@link CdcBenchmarks}: a {@link DebeziumChild} JVM capturing one table.
 * Debezium 3.6.1 runs on the kafka-clients of its Kafka Connect (4.3); this module's class path
 * has Kafka Streams' 4.4, which lacks classes Debezium uses, so the child's class path is this
 * JVM's with {@code kafka-clients} replaced by the 4.3 jar the build copies to
 * {@code benchmarks/target/debezium-lib}. The child's standard error goes to {@code logs/}.
 */
@SuppressWarnings("try")
final class DebeziumSide implements CdcBenchmarks.Capture {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;
    private final List<long[]> records = new ArrayList<>();

    private DebeziumSide(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
            lines.add("eof");
        }, "debezium-child-out");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The {@code poll.interval.ms} of a side: {@code debezium} is Debezium's default (empty: not set, 500 ms),
     * {@code debezium_pollN} sets N; any other name is an {@link IllegalArgumentException}.
     */
    static Optional<Integer> pollIntervalMsOf(String side) {
        if (side.equals("debezium")) {
            return Optional.empty();
        }
        if (side.matches("debezium_poll[0-9]{1,5}")) {
            return Optional.of(Integer.parseInt(side.substring("debezium_poll".length())));
        }
        throw new IllegalArgumentException("unknown side " + side + ": ours, debezium (its defaults) or debezium_pollN"
                + " (poll.interval.ms=N)");
    }

    /** Starts the child and waits until its slot streams. */
    static DebeziumSide start(int port, String table, Optional<Integer> pollIntervalMs, boolean latency, long expected,
                              Path kafkaClients43, Path logDir) throws Exception {
        if (!Files.isRegularFile(kafkaClients43)) {
            throw new IllegalStateException(kafkaClients43 + " is missing: build the benchmarks module (mvn package copies it)");
        }
        List<String> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classpath.add(Path.of(entry).getFileName().toString().startsWith("kafka-clients-")
                    ? kafkaClients43.toAbsolutePath().toString() : entry);
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve("debezium-" + table + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", String.join(File.pathSeparator, classpath), DebeziumChild.class.getName(), Integer.toString(port), table,
                pollIntervalMs.map(String::valueOf).orElse("default"), latency ? "latency" : "count", Long.toString(expected)));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        DebeziumSide side = new DebeziumSide(process, log);
        String first = side.lines.poll(90, TimeUnit.SECONDS);
        if (!"ready".equals(first)) {
            process.destroyForcibly();
            throw new IllegalStateException("the Debezium child did not start (" + first + "); see " + log);
        }
        return side;
    }

    @Override
    public long awaitAll(long deadlineNanos) throws InterruptedException {
        while (true) {
            String line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals("eof")) {
                throw new IllegalStateException("the Debezium child did not deliver every event in time; see " + log);
            }
            if (line.startsWith("l ")) {
                String[] f = line.split(" ");
                records.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), -1, Long.parseLong(f[4])});
            } else if (line.startsWith("done")) {
                return line.length() > 5 ? Long.parseLong(line.substring(5)) : records.get(records.size() - 1)[4];
            }
        }
    }

    @Override
    public List<long[]> records() {
        return records;
    }

    /** Stops the engine (the child drops its slot) and waits for the child to end. */
    @Override
    public void close() throws Exception {
        try (OutputStream in = process.getOutputStream()) {
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the Debezium child did not stop; see " + log);
        }
    }
}
