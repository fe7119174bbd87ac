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
 * The Debezium side of {@link CdcBenchmarks}: one capture in a {@link DebeziumChild} JVM (one JVM per
 * side for the whole run, see {@link Jvm}). Debezium 3.6.1 runs on the kafka-clients of its Kafka
 * Connect (4.3); this module's class path has Kafka Streams' 4.4, which lacks classes Debezium uses,
 * so the child's class path is this JVM's with {@code kafka-clients} replaced by the 4.3 jar the build
 * copies to {@code benchmarks/target/debezium-lib}.
 */
@SuppressWarnings("try")
final class DebeziumSide implements CdcBenchmarks.Capture {
    private final Jvm jvm;
    private final List<long[]> records = new ArrayList<>();

    private DebeziumSide(Jvm jvm) {
        this.jvm = jvm;
    }

    /** A {@link DebeziumChild} JVM serving one side's captures; its standard error goes to a log file. */
    static final class Jvm implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Path log;

        /** Starts the JVM for the server at {@code port}. */
        Jvm(int port, String side, Path kafkaClients43, Path logDir) throws IOException {
            if (!Files.isRegularFile(kafkaClients43)) {
                throw new IllegalStateException(kafkaClients43 + " is missing: build the benchmarks module (mvn package copies it)");
            }
            List<String> classpath = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                classpath.add(Path.of(entry).getFileName().toString().startsWith("kafka-clients-")
                        ? kafkaClients43.toAbsolutePath().toString() : entry);
            }
            Files.createDirectories(logDir);
            this.log = logDir.resolve(side + "-" + System.currentTimeMillis() + ".log");
            this.process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-cp", String.join(File.pathSeparator, classpath), DebeziumChild.class.getName(), Integer.toString(port))
                    .redirectError(log.toFile()).start();
            this.stdin = process.getOutputStream();
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

        private void send(String command) throws IOException {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        private String next(long deadlineNanos) throws InterruptedException {
            String line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals("eof")) {
                throw new IllegalStateException("the Debezium child " + (line == null ? "did not answer in time" : "ended")
                        + "; see " + log);
            }
            return line;
        }

        /** Ends the JVM (end of its input). */
        @Override
        public void close() throws Exception {
            stdin.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
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

    /** Starts a capture of {@code table} in {@code jvm} and waits until its slot streams. */
    static DebeziumSide start(Jvm jvm, String table, Optional<Integer> pollIntervalMs, boolean latency, long expected)
            throws Exception {
        jvm.send("start " + table + " " + pollIntervalMs.map(String::valueOf).orElse("default") + " "
                + (latency ? "latency" : "count") + " " + expected);
        String first = jvm.next(System.nanoTime() + TimeUnit.SECONDS.toNanos(90));
        if (!"ready".equals(first)) {
            throw new IllegalStateException("the Debezium child did not start capturing (" + first + "); see " + jvm.log);
        }
        return new DebeziumSide(jvm);
    }

    @Override
    public long awaitAll(long deadlineNanos) throws InterruptedException {
        while (true) {
            String line = jvm.next(deadlineNanos);
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

    /** Stops the engine; the child drops its slot. */
    @Override
    public void close() throws Exception {
        jvm.send("stop");
        String line;
        do {
            line = jvm.next(System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
        } while (!line.equals("closed"));
    }
}
