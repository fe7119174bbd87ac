package io.tributary.examples.cdc;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;

/**
 * The child JVM of {@link SearchIndexCrashIT}: follows the log's {@code users} events into the
 * Lucene index in small batches, printing its committed position, until it reaches {@code until}
 * (then it closes cleanly and exits 0) or is killed.
 */
public final class SearchIndexCrashChild {
    private SearchIndexCrashChild() {
    }

    /** {@code SearchIndexCrashChild <log dir> <index dir> <until position>}. */
    public static void main(String[] args) throws Exception {
        long until = Long.parseLong(args[2]);
        try (EmbeddedEventStore store = Tributary.open(Path.of(args[0]));
             SearchIndexSync index = SearchIndexSync.start(store, Path.of(args[1]), 3)) {
            System.out.println("started " + index.position());
            long last = Long.MIN_VALUE;
            while (index.position() < until) {
                if (index.lastError().isPresent()) {
                    System.out.println("failed " + index.lastError().get());
                    System.exit(1);
                }
                if (index.position() != last) {
                    last = index.position();
                    System.out.println("at " + last);
                }
                Thread.sleep(1);
            }
            System.out.println("done " + index.position());
        }
    }
}
