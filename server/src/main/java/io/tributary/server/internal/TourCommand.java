package io.tributary.server.internal;

import io.tributary.examples.EmbeddedTour;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary tour}: the embedded tour of the log (no server). */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = {"Tour the embedded log with a bank account.",
                "Event sourcing, optimistic concurrency, an atomic transfer, a live category",
                "subscription, a reopen and a verification of the data directory."})
public final class TourCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "keep the data in DIR (default: a temporary directory)")
    private Path data;

    /** Runs the tour. */
    @Override
    public Integer call() throws Exception {
        EmbeddedTour.run(data);
        return 0;
    }
}
