package io.tributary.examples;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code tributary} executable (until the server module takes it over): {@code demo}
 * runs the embedded quick tour, {@code bank} the event-sourced bank account.
 */
public final class Main {
    private Main() {
    }

    /** Entry point: {@code tributary demo|bank [--data DIR]}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return;
        }
        if (!args[0].equals("demo") && !args[0].equals("bank")) {
            System.err.println("unknown command '" + args[0] + "'");
            usage();
            System.exit(2);
        }
        Path data = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--data") && i + 1 < args.length) {
                data = Path.of(args[++i]);
            } else {
                System.err.println("unknown option " + Arrays.toString(Arrays.copyOfRange(args, i, i + 1)));
                usage();
                System.exit(2);
            }
        }
        if (args[0].equals("bank")) {
            io.tributary.examples.bank.BankExample.run(data, System.out);
        } else {
            EmbeddedTour.run(data);
        }
    }

    private static void usage() {
        System.out.println("usage: tributary demo|bank [--data DIR]");
        System.out.println("  demo   run the embedded tour: a bank account event-sourced on the embedded log,");
        System.out.println("         a live subscription, a category read and a crash-safe reopen");
        System.out.println("  bank   the seed's bank account, event-sourced: deciders, an overdraft refused, an atomic");
        System.out.println("         transfer, current state, state as of an earlier day, the audit trail");
        System.out.println("         (--data keeps the data in DIR; default: a temporary directory)");
    }
}
