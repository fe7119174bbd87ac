package io.tributary.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * CPU time used by the threads of this JVM and by the processes of one PostgreSQL server, from
 * {@code /proc} (Linux; empty elsewhere): a snapshot before and after a measurement shows where the
 * machine's time went (our capture's threads, the GC, the source's walsender and backends).
 */
final class CpuTicks {
    private static final double TICK_MS = 10.0; // USER_HZ is 100 on Linux

    private final Map<String, Long> ticks;

    private CpuTicks(Map<String, Long> ticks) {
        this.ticks = ticks;
    }

    /**
     * Snapshot: this JVM's threads by name (as the kernel keeps it: 15 characters, trailing digits
     * dropped so pools group), its child processes' threads ({@code child:}) and the children of {@code postmasterPid} labelled by {@code role}
     * (e.g. {@code pg_stat_activity.backend_type}), each prefixed {@code pg:}.
     */
    static CpuTicks take(long postmasterPid, LongFunction<String> role) {
        Map<String, Long> t = new TreeMap<>();
        forEach(Path.of("/proc/self/task"), (dir, stat) -> t.merge("jvm:" + group(comm(stat)), cpu(stat), Long::sum));
        // Child JVMs of this one (the Debezium side runs in one).
        ProcessHandle.current().children().forEach(child -> forEach(Path.of("/proc/" + child.pid() + "/task"),
                (dir, stat) -> t.merge("child:" + group(comm(stat)), cpu(stat), Long::sum)));
        if (postmasterPid > 0) {
            forEach(Path.of("/proc"), (dir, stat) -> {
                if (ppid(stat) == postmasterPid) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    t.merge("pg:" + role.apply(pid), cpu(stat), Long::sum);
                }
            });
        }
        return new CpuTicks(t);
    }

    /** CPU milliseconds per name used between {@code before} and this snapshot, largest first, as one line. */
    String since(CpuTicks before) {
        Map<String, Long> d = new TreeMap<>();
        ticks.forEach((k, v) -> {
            long delta = v - before.ticks.getOrDefault(k, 0L);
            if (delta > 0) {
                d.put(k, delta);
            }
        });
        StringBuilder b = new StringBuilder();
        d.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(14)
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(Math.round(e.getValue() * TICK_MS)).append(" ms"));
        return "cpu " + b;
    }

    /** CPU microseconds per event between {@code before} and this snapshot, by prefix ({@code jvm}, {@code child}, {@code pg}; the JIT compiler threads as {@code jvm-jit}, {@code child-jit}). */
    String perEvent(CpuTicks before, long events) {
        Map<String, Long> sums = new TreeMap<>();
        // The JIT compilers separately: their share shrinks with warm-up and is not the capture's own cost.
        ticks.forEach((k, v) -> sums.merge(k.substring(0, k.indexOf(':')) + (k.contains("CompilerThre") ? "-jit" : ""),
                v - before.ticks.getOrDefault(k, 0L), Long::sum));
        StringBuilder b = new StringBuilder("cpu µs/event:");
        sums.forEach((k, v) -> {
            if (v > 0) {
                b.append(' ').append(k).append(' ').append(String.format("%.1f", v * TICK_MS * 1000 / events));
            }
        });
        return b.toString();
    }

    private interface StatConsumer {
        void accept(Path dir, String stat);
    }

    private static void forEach(Path root, StatConsumer each) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    each.accept(dir, Files.readString(dir.resolve("stat")));
                } catch (IOException | RuntimeException gone) {
                    // the thread or process ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: no figures
        }
    }

    private static String comm(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    private static String group(String name) {
        int end = name.length();
        while (end > 0 && (Character.isDigit(name.charAt(end - 1)) || name.charAt(end - 1) == '-')) {
            end--;
        }
        return end == 0 ? name : name.substring(0, end);
    }

    /** Fields after the command: state ppid ... utime(14) stime(15), 1-based over the whole line. */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static long ppid(String stat) {
        return Long.parseLong(fields(stat)[1]);
    }

    private static long cpu(String stat) {
        String[] f = fields(stat);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
