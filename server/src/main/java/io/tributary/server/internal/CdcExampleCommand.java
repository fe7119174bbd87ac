package io.tributary.server.internal;

import io.tributary.core.InvalidRequestException;
import io.tributary.examples.cdc.CdcConsumersExample;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary cdc-example}: the seed's change data capture flow with three consumers. */
@Command(name = "cdc-example", mixinStandardHelpOptions = true,
        description = {"Run the seed's change data capture flow with three consumers.",
                "A users table in an embedded PostgreSQL is captured into the log; a Lucene",
                "search index, a Caffeine cache and a replica database follow it, each with",
                "its own checkpoint; one is stopped and catches up after a restart."})
public final class CdcExampleCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "a new or empty directory for the data (default: a temporary directory)")
    private Path data;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the example; exit code 1 if a consumer's state did not end equal to the source table. */
    @Override
    public Integer call() throws Exception {
        CdcConsumersExample.Outcome outcome;
        try {
            outcome = CdcConsumersExample.run(data, System.out);
        } catch (InvalidRequestException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return outcome.searchIndexMatches() && outcome.cacheMatches() && outcome.replicaMatches() ? 0 : 1;
    }
}
