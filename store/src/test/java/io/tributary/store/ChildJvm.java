package io.tributary.store;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link CrashChild} with this JVM's java binary and class path. Its stdout
 * is read on a background thread and handed over as complete lines (a line cut short by the
 * kill is dropped); its stderr goes to a file for failure messages.
 */
final class ChildJvm implements AutoCloseable {
    /** Exit code of a process killed by SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;
    private static final Map<Path, String> SNAPSHOTS = new HashMap<>();

    private final Process process;
    private final Path stderrFile;
    private final Path stdoutFile;
    private final String command;
    /** Lines of stdout; an empty Optional marks the end of the output. */
    private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
    private boolean ended;

    private ChildJvm(Process process, Path stderrFile, Path stdoutFile, String command) {
        this.process = process;
        this.stderrFile = stderrFile;
        this.stdoutFile = stdoutFile;
        this.command = command;
        Thread reader = new Thread(this::pump, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code CrashChild args...}; its stderr and a copy of its stdout are kept in
     * {@code <files>.stderr} and {@code <files>.stdout}. The class path is a snapshot taken on the
     * first start in {@code files}' directory, so a rebuild of the project while a long test runs
     * cannot pull classes away from under later children.
     */
    /** The internal property that sets the event-id chunk size of the stores a JVM opens. */
    static final String ID_CHUNK_PROPERTY = "tributary.internal.idChunkEvents";
    /** The internal property that sets the frame size appends are split at. */
    static final String FRAME_TARGET_PROPERTY = "tributary.internal.frameTargetBytes";

    static ChildJvm start(Path files, List<String> args) throws IOException {
        Path stderrFile = files.resolveSibling(files.getFileName() + ".stderr");
        Path stdoutFile = files.resolveSibling(files.getFileName() + ".stdout");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Event-id chunks of 64 events: a child writes many, and is often killed while writing one.
        // Frames of about 8 KiB: most requests are written as several frames (all or nothing).
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-D" + ID_CHUNK_PROPERTY + "=64", "-D" + FRAME_TARGET_PROPERTY + "=8192",
                "-cp", classPathSnapshot(files.getParent()), CrashChild.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(stderrFile.toFile()).start();
        return new ChildJvm(p, stderrFile, stdoutFile, String.join(" ", args));
    }

    /**
     * This JVM's class path with the entries inside the project's {@code target} directories
     * copied to {@code dir/classpath} (jars of the local repository are used in place). Failsafe
     * may launch tests from a manifest-only jar, but it sets {@code java.class.path} to the real
     * class path; this checks that the child's main class is on it.
     */
    private static synchronized String classPathSnapshot(Path dir) throws IOException {
        String cached = SNAPSHOTS.get(dir);
        if (cached != null) {
            return cached;
        }
        String here;
        try {
            here = Path.of(CrashChild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        if (!entries.contains(here)) {
            throw new IllegalStateException("java.class.path does not contain the test classes (" + here + "): "
                    + entries + "; configure failsafe with useManifestOnlyJar=false");
        }
        List<String> snapshot = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Path entry = Path.of(entries.get(i));
            boolean projectLocal = entry.toString().contains(File.separator + "target");
            if (!projectLocal || !Files.exists(entry)) {
                snapshot.add(entries.get(i));
                continue;
            }
            Path copy = dir.resolve("classpath").resolve(i + "-" + entry.getFileName());
            Files.createDirectories(copy.getParent());
            CrashRecoveryIT.copy(entry, copy);
            snapshot.add(copy.toString());
        }
        String cp = String.join(File.pathSeparator, snapshot);
        SNAPSHOTS.put(dir, cp);
        return cp;
    }

    /** Reads stdout into {@link #lines}, keeping a copy in a file next to the stderr file for post-mortems. */
    private void pump() {
        try (InputStream in = process.getInputStream(); OutputStream copy = Files.newOutputStream(stdoutFile)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                copy.write(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines.add(Optional.of(line.toString(StandardCharsets.UTF_8)));
                        line.reset();
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
        } catch (IOException e) {
            // Our end was closed (close() of a child still running): nothing more will come.
        } finally {
            lines.add(Optional.empty());
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * The next complete line, waiting until {@code deadlineNanos} ({@link System#nanoTime()});
     * {@code null} when the deadline passed, an empty Optional once the output has ended.
     */
    Optional<String> nextLine(long deadlineNanos) throws InterruptedException {
        if (ended) {
            return Optional.empty();
        }
        Optional<String> line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line != null && line.isEmpty()) {
            ended = true;
        }
        return line;
    }

    /** Sends a line to the child's stdin. */
    void send(String line) throws IOException {
        OutputStream out = process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Kills the child with SIGKILL and waits for it to be gone; returns its exit code. Output the
     * child wrote before it died can still be read afterwards.
     */
    int kill() throws InterruptedException {
        // Not Process.destroyForcibly(): besides sending SIGKILL it closes our end of the child's
        // stdout, which throws away the lines still in the pipe (intents of requests that may well
        // be in the log). ProcessHandle.destroyForcibly() sends the same SIGKILL and leaves the
        // streams alone; the JDK drains the pipe once the process is reaped.
        process.toHandle().destroyForcibly();
        return process.waitFor();
    }

    /** Waits for the child to exit by itself; returns its exit code, or -1 after the timeout. */
    int awaitExit(long timeoutMs) throws InterruptedException {
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The command, pid and the end of the child's stderr, for failure messages. */
    String describe() {
        StringBuilder sb = new StringBuilder("child pid ").append(process.pid()).append(" (CrashChild ").append(command)
                .append("), stdout copied to ").append(stdoutFile);
        try {
            List<String> err = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
            List<String> tail = err.subList(Math.max(0, err.size() - 30), err.size());
            sb.append(", stderr ").append(stderrFile).append(tail.isEmpty() ? " is empty" : ":\n  " + String.join("\n  ", tail));
        } catch (IOException e) {
            sb.append(", stderr unreadable: ").append(e);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
