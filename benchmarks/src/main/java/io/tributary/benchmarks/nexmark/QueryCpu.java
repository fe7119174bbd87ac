package io.tributary.benchmarks.nexmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time of the thread that runs a query over the timed interval: a complement to the wall
 * clock that a machine shared with other builds disturbs much less (a thread waiting for a core
 * accrues no CPU time). It leaves out what the JVM does on other threads (garbage collection,
 * JIT compilation), which the wall clock includes. Measured only when the whole query runs on one
 * thread from its first event to its end: Tributary's and Kafka Streams' drivers always, Flink when
 * the query is one operator chain (q0–q2); otherwise it is unknown (-1). The bytes the thread
 * allocated over the interval are measured alike.
 */
final class QueryCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile long startThread = -1;
    private static volatile long startCpuNs;
    private static volatile long cpuNs = -1;
    private static volatile long startAllocated;
    private static volatile long allocated = -1;

    private QueryCpu() {
    }

    /** Forgets the last measurement. */
    static void reset() {
        startThread = -1;
        cpuNs = -1;
        allocated = -1;
    }

    /** The timed interval starts on this thread. */
    static void start() {
        startCpuNs = THREADS.getCurrentThreadCpuTime();
        startAllocated = allocatedBytes();
        startThread = Thread.currentThread().getId();
    }

    /** The timed interval ends on this thread; unknown when it started on another one (or did not start). */
    static void stop() {
        long now = THREADS.getCurrentThreadCpuTime();
        long bytes = allocatedBytes();
        boolean same = startThread == Thread.currentThread().getId();
        cpuNs = same ? now - startCpuNs : -1;
        allocated = same && bytes >= 0 && startAllocated >= 0 ? bytes - startAllocated : -1;
    }

    /** Bytes the thread allocated in the last interval (the heap it asked for: every object it built), -1 when unknown. */
    static long allocatedBytes() {
        return THREADS instanceof com.sun.management.ThreadMXBean t ? t.getCurrentThreadAllocatedBytes() : -1;
    }

    /** The bytes the query's thread allocated over the last interval, -1 when unknown. */
    static long allocated() {
        return allocated;
    }

    /** The CPU nanoseconds of the last interval, -1 when unknown. */
    static long nanos() {
        return cpuNs;
    }
}
