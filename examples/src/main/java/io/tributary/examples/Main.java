package io.tributary.examples;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code tributary} executable (until the server module takes it over): {@code demo}
 * runs the embedded quick tour.
 */
public final class Main {
    private Main() {
    }

    /** Entry point: {@code tributary demo [--data DIR]}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return;
        }
        if (!args[0].equals("demo")) {
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
        EmbeddedTour.run(data);
    }

    private static void usage() {
        System.out.println("usage: tributary demo [--data DIR]");
        System.out.println("  demo   run the embedded tour: a bank account event-sourced on the embedded log,");
        System.out.println("         a live subscription, a category read and a crash-safe reopen");
        System.out.println("         (--data keeps the data in DIR; default: a temporary directory)");
    }
}
