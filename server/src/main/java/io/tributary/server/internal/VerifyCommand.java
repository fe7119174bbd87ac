package io.tributary.server.internal;

import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary verify}: checks a data directory offline. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a data directory offline (every frame and the index).",
                "The store must not be open.",
                "Exit code 0: healthy; 1: problems found."})
public final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", required = true, description = "the data directory to check")
    private Path data;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Verifies and prints the report. */
    @Override
    public Integer call() {
        if (!Files.isDirectory(data)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data " + data + " is not a directory");
        }
        VerificationReport report = Verifier.verify(data);
        spec.commandLine().getOut().print(report.summary());
        spec.commandLine().getOut().flush();
        return report.ok() ? 0 : 1;
    }
}
