package io.tributary.server.internal;

import io.tributary.examples.bank.BankExample;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary bank}: the seed's bank account on the event-sourcing module. */
@Command(name = "bank", mixinStandardHelpOptions = true,
        description = {"Run the seed's bank account on the event-sourcing module.",
                "Deciders, an overdraft refused, an atomic transfer, current state, state as",
                "of an earlier day, the audit trail."})
public final class BankCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "keep the data in DIR (default: a temporary directory)")
    private Path data;

    /** Runs the example. */
    @Override
    public Integer call() throws Exception {
        BankExample.run(data, System.out);
        return 0;
    }
}
