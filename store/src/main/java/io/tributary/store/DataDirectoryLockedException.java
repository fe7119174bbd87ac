package io.tributary.store;

import io.tributary.core.TributaryException;
import java.nio.file.Path;

/** Another process (or another open store in this process) holds the data directory. */
public final class DataDirectoryLockedException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for {@code directory}. */
    public DataDirectoryLockedException(Path directory) {
        super("data directory " + directory + " is in use by another Tributary store (its LOCK file is held);"
                + " close that store or use another directory");
    }
}
