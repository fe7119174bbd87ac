package io.tributary.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Memory figures of this and other processes, from {@code /proc/<pid>/status} (Linux) and the
 * JVM's memory pools.
 */
final class ProcMemory {
    private ProcMemory() {
    }

    /** Peak resident set size (VmHWM) of this process in bytes, -1 when unknown. */
    static long selfPeakRssBytes() {
        return statusField(ProcessHandle.current().pid(), "VmHWM");
    }

    /** Peak resident set size (VmHWM) of {@code pid} in bytes, -1 when unknown. */
    static long peakRssBytes(long pid) {
        return statusField(pid, "VmHWM");
    }

    /**
     * Sum of the peak usage of every heap pool of this JVM in bytes (an upper bound of the heap
     * peak), or the heap in use now if larger (G1 updates pool peaks only at collections).
     */
    static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        Runtime runtime = Runtime.getRuntime();
        return Math.max(sum, runtime.totalMemory() - runtime.freeMemory());
    }

    /** Adds this process's peak RSS and heap peak to a child result. */
    static void addSelf(Map<String, Object> result) {
        result.put("rssPeakBytes", selfPeakRssBytes());
        result.put("heapPeakBytes", heapPeakBytes());
    }

    /**
     * Estimated resident memory of a group of processes that share memory (a PostgreSQL server:
     * postmaster and backends): private anonymous memory summed, plus the largest file-backed and
     * the largest shared-memory resident sizes counted once. A snapshot, not a peak.
     */
    static long groupRssBytes(List<Long> pids) {
        long anon = 0;
        long file = 0;
        long shmem = 0;
        for (long pid : pids) {
            long a = statusField(pid, "RssAnon");
            if (a >= 0) {
                anon += a;
            }
            file = Math.max(file, statusField(pid, "RssFile"));
            shmem = Math.max(shmem, statusField(pid, "RssShmem"));
        }
        return anon + file + shmem;
    }

    /** A {@code kB} field of {@code /proc/<pid>/status} in bytes, -1 when unreadable. */
    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return -1;
        }
        return -1;
    }
}
