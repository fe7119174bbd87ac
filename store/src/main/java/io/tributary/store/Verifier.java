package io.tributary.store;

import io.tributary.store.internal.LogVerifier;
import java.nio.file.Path;

/**
 * Checks a data directory offline: every frame's checksum and structure, the order of
 * positions and versions, and every index entry against the log. The store must be closed
 * (the verifier takes the directory's lock). Nothing is changed.
 */
public final class Verifier {
    private Verifier() {
    }

    /**
     * Verifies the data directory.
     *
     * @throws DataDirectoryLockedException if a store has the directory open
     */
    public static VerificationReport verify(Path dataDirectory) {
        return LogVerifier.verify(dataDirectory);
    }
}
