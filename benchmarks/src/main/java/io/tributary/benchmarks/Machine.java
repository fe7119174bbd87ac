package io.tributary.benchmarks;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line describing the machine the figures come from. */
final class Machine {
    private Machine() {
    }

    /** CPU model and count, memory, Java version and the file system of {@code workDir}. */
    static String describe(Path workDir) {
        String cpu = "unknown CPU";
        String memory = "? GiB";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    memory = Math.round(kb / 1024.0 / 1024.0) + " GiB";
                    break;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or unreadable: keep the placeholders
        }
        String disk = "?";
        try {
            FileStore store = Files.getFileStore(workDir);
            disk = store.name() + " (" + store.type() + ")";
        } catch (IOException e) {
            // keep the placeholder
        }
        return String.format("Machine: %d cores (%s), %s RAM, Java %s (%s), work dir %s on %s",
                Runtime.getRuntime().availableProcessors(), cpu, memory, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), workDir, disk);
    }
}
