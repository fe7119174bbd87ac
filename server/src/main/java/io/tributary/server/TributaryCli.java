package io.tributary.server;

import io.tributary.server.internal.BankCommand;
import io.tributary.server.internal.BenchCommand;
import io.tributary.server.internal.CdcCommand;
import io.tributary.server.internal.CdcExampleCommand;
import io.tributary.server.internal.ClientCommands;
import io.tributary.server.internal.DemoCommand;
import io.tributary.server.internal.ExampleCommand;
import io.tributary.server.internal.ServeCommand;
import io.tributary.server.internal.TourCommand;
import io.tributary.server.internal.VerifyCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tributary} executable. Exit codes scripts can rely on: {@code 0} success,
 * {@code 1} failure (the command ran and something was wrong), {@code 2} usage error (unknown
 * command or option, a missing or invalid argument, an invalid configuration).
 */
@Command(name = "tributary", mixinStandardHelpOptions = true, version = "tributary 0.1.0-SNAPSHOT",
        description = "One durable event log with event sourcing, CDC, CQRS and stream processing.",
        subcommands = {ServeCommand.class, DemoCommand.class, TourCommand.class, BankCommand.class, ExampleCommand.class,
                CdcExampleCommand.class, VerifyCommand.class,
                ClientCommands.Append.class, ClientCommands.Read.class, ClientCommands.Tail.class,
                ClientCommands.Streams.class, ClientCommands.Projections.class, ClientCommands.Processors.class,
                CdcCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class TributaryCli implements Callable<Integer> {
    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed. */
    public static final int FAILURE = 1;
    /** Wrong arguments or configuration. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Entry point; exits with the command's exit code. */
    public static void main(String[] args) {
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(code);
    }

    /** Runs a command line with the given output streams and returns its exit code (does not exit). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new TributaryCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return FAILURE;
        });
        return cli.execute(args);
    }

    /** Without a subcommand: print the usage and fail as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }
}
