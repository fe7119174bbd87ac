package io.tributary.cdc;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;

/**
 * The child JVM of {@link MySqlCrashIT}: captures table {@code crash} of the MariaDB at
 * {@code args[1]} into the log in {@code args[0]} (snapshot chunks of {@code args[2]} rows) and
 * prints {@code status <state> <snapshot rows> <snapshot done> <file:pos> <chunked appends> <last error or ->} until it
 * is killed. {@code args[3]}, when given, names the table (default {@code crash}); {@code args[4]} the heartbeat interval
 * in ms (default 100).
 */
public final class MySqlCrashChild {
    private MySqlCrashChild() {
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedEventStore store = Tributary.open(Path.of(args[0]));
        MySqlSource source = MySqlSource.builder("crash", args[1]).credentials("root", "").tables(args.length > 3 ? args[3] : "crash")
                .snapshotChunkRows(Integer.parseInt(args[2])).heartbeatIntervalMs(args.length > 4 ? Long.parseLong(args[4]) : 100).maxAppendBytes(64 * 1024).build();
        MySqlCapture capture = MySqlCapture.start(store, source);
        System.out.println("started");
        while (true) {
            CdcStatus s = capture.status();
            System.out.println("status " + s.status() + " " + s.snapshot().rowsDone() + " " + s.snapshot().done() + " "
                    + s.sourcePosition().split(" ")[0] + " " + capture.chunkedAppends() + " "
                    + s.lastError().orElse("-").replace('\n', ' '));
            Thread.sleep(5);
        }
    }
}
