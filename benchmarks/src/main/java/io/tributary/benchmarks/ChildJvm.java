package io.tributary.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Starts {@link BenchChild} in a new JVM with this JVM's class path and collects its result
 * line. The child's standard error goes to a log file under {@code logs/} of the work
 * directory; its tail is shown when the child fails.
 */
final class ChildJvm {
    private final List<String> jvmOptions;
    private final Path logDir;
    private final long timeoutMinutes;
    private final long seed;
    private int started;

    /**
     * @param seed base of the children's seeds: child {@code n} gets {@code seed + n}, so no two
     *             children of a run (nor of runs with different seeds) make the same event ids;
     *             equal ids would turn appends into idempotent no-ops
     */
    ChildJvm(List<String> jvmOptions, Path logDir, long timeoutMinutes, long seed) throws IOException {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.logDir = Files.createDirectories(logDir);
        this.timeoutMinutes = timeoutMinutes;
        this.seed = seed;
    }

    /** A child's parsed result: {@code key=value} pairs. */
    record Result(Map<String, String> values) {
        /** A numeric value; throws naming the key when it is absent. */
        double number(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalStateException("child result has no '" + key + "': " + values);
            }
            return Double.parseDouble(v);
        }

        /** A numeric value, or {@code fallback} when absent. */
        double number(String key, double fallback) {
            String v = values.get(key);
            return v == null ? fallback : Double.parseDouble(v);
        }

        /** A text value, or {@code fallback} when absent. */
        String text(String key, String fallback) {
            return values.getOrDefault(key, fallback);
        }
    }

    /** Runs {@code task} with {@code args} ({@code --key=value}) to completion. */
    Result run(String task, List<String> args) throws IOException, InterruptedException {
        return run(task, args, entry -> true, line -> { }, null);
    }

    /**
     * Runs {@code task} to completion with only the class-path entries that {@code keep} accepts
     * (two jars with the same packages, such as RocksDB's and Flink's fork of it, cannot share one
     * class path).
     */
    Result run(String task, List<String> args, Predicate<String> keep) throws IOException, InterruptedException {
        return run(task, args, keep, line -> { }, null);
    }

    /**
     * Runs {@code task}, handing every other output line to {@code onLine}; the consumer may kill
     * the process (see {@link #runUntilKilled}).
     */
    private Result run(String task, List<String> args, Predicate<String> keep, Consumer<String> onLine, Process[] handle)
            throws IOException, InterruptedException {
        Process process = start(task, args, keep);
        if (handle != null) {
            handle[0] = process;
        }
        Path log = logFile(task);
        Map<String, String> values = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(BenchChild.RESULT + " ") || line.equals(BenchChild.RESULT)) {
                    values = parse(line);
                } else {
                    onLine.accept(line);
                }
            }
        } catch (IOException e) {
            // destroyForcibly() closes the child's streams: expected when the consumer killed it
            if (handle == null) {
                throw e;
            }
        }
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("child " + task + " did not finish within " + timeoutMinutes + " minutes; log: " + log);
        }
        if (handle != null) {
            return new Result(Map.of("exitCode", Integer.toString(process.exitValue())));
        }
        if (process.exitValue() != 0 || values == null) {
            throw new IllegalStateException("child " + task + " failed (exit " + process.exitValue() + "); log " + log
                    + ":\n" + tail(log, 30));
        }
        return new Result(values);
    }

    /**
     * Runs {@code task} and kills it with {@link Process#destroyForcibly()} (SIGKILL) as soon as it
     * prints a line starting with {@code armedPrefix}. Returns the armed line and the child's peak
     * RSS read just before the kill; throws if the child ends without arming.
     */
    Result runUntilKilled(String task, List<String> args, String armedPrefix) throws IOException, InterruptedException {
        Process[] handle = new Process[1];
        Map<String, String> seen = new HashMap<>();
        Result exit = run(task, args, entry -> true, line -> {
            if (line.startsWith(armedPrefix) && !seen.containsKey("armed")) {
                seen.put("armed", line.substring(armedPrefix.length()).trim());
                seen.put("rssPeakBytes", Long.toString(ProcMemory.peakRssBytes(handle[0].pid())));
                handle[0].destroyForcibly();
            }
        }, handle);
        if (!seen.containsKey("armed")) {
            throw new IllegalStateException("child " + task + " ended (exit " + exit.values().get("exitCode")
                    + ") before it was armed; log:\n" + tail(logFile(task), 30));
        }
        seen.put("exitCode", exit.values().get("exitCode"));
        return new Result(seen);
    }

    private Process start(String task, List<String> args, Predicate<String> keep) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).filter(keep)
                .collect(Collectors.joining(File.pathSeparator)));
        command.add(BenchChild.class.getName());
        command.add(task);
        command.add("--seed=" + (seed + started));
        command.addAll(args);
        started++;
        Path log = logFile(task);
        Files.writeString(log, String.join(" ", command) + System.lineSeparator());
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
    }

    private Path logFile(String task) {
        return logDir.resolve(String.format("%03d-%s.log", started, task));
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> values = new HashMap<>();
        for (String part : line.substring(BenchChild.RESULT.length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                values.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return values;
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
