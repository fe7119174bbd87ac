package io.tributary.cqrs;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The child JVM of {@link ProjectionCrashIT}: runs the document and the SQL projection over the
 * log in {@code args[0]} (read models in {@code args[0]/docs} and the PostgreSQL at {@code args[1]})
 * and prints {@code progress <docs position> <sql position> <head>} until it is killed.
 */
public final class ProjectionCrashChild {
    private ProjectionCrashChild() {
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(args[1]);
        ProjectionOptions options = ProjectionOptions.defaults().withMaxBatchEvents(10).withPollTimeout(Duration.ofMillis(20));
        EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
        DocumentStore docs = DocumentStore.rocksDb(dir.resolve("docs"));
        ReadModelStore<SqlWriter> sql = JdbcReadModelStore.postgres(pg);
        ProjectionRunner<DocumentWriter> summary = ProjectionRunner.start(store, OrderProjections.summary(), docs, options);
        ProjectionRunner<SqlWriter> sales = ProjectionRunner.start(store, OrderProjections.SALES, sql, options);
        System.out.println("started");
        while (true) {
            System.out.println("progress " + summary.status().checkpoint() + " " + sales.status().checkpoint() + " " + store.headPosition());
            Thread.sleep(5);
        }
    }
}
