package io.tributary.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The bytes the data directory takes on disk (the sum of its files' sizes), measured at most
 * once per {@link #MAX_AGE_MS} so that polling consoles do not walk the directory on every request.
 */
final class StorageSize {
    static final long MAX_AGE_MS = 1_000;
    private final Path directory;
    private long measuredAtNanos;
    private long bytes = -1;

    StorageSize(Path directory) {
        this.directory = directory;
    }

    synchronized long bytes() {
        long now = System.nanoTime();
        if (bytes < 0 || now - measuredAtNanos > MAX_AGE_MS * 1_000_000) {
            bytes = measure();
            measuredAtNanos = now;
        }
        return bytes;
    }

    private long measure() {
        long[] total = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;   // a file deleted while we walk (a segment scavenged)
                }
            });
        } catch (NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }
}
