package io.tributary.cdc;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;

/**
 * The child JVM of {@link CaptureCrashIT}: captures table {@code crash} of the PostgreSQL at
 * {@code args[1]} into the log in {@code args[0]} (snapshot chunks of {@code args[2]} rows) and
 * prints {@code status <state> <snapshot rows> <snapshot done> <position>} until it is killed.
 */
public final class CaptureCrashChild {
    private CaptureCrashChild() {
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedEventStore store = Tributary.open(Path.of(args[0]));
        PostgresSource source = PostgresSource.builder("crash", args[1]).tables("crash")
                .snapshotChunkRows(Integer.parseInt(args[2])).heartbeatIntervalMs(100).statusIntervalMs(50)
                .maxAppendBytes(64 * 1024).maxTransactionMemoryBytes(32 * 1024).build();
        PostgresCapture capture = PostgresCapture.start(store, source);
        System.out.println("started");
        while (true) {
            CdcStatus s = capture.status();
            System.out.println("status " + s.status() + " " + s.snapshot().rowsDone() + " " + s.snapshot().done() + " "
                    + s.sourcePosition() + " " + s.lastError().orElse("-").replace('\n', ' '));
            Thread.sleep(5);
        }
    }
}
