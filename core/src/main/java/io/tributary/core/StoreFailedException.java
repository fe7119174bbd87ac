package io.tributary.core;

/**
 * The store instance stopped accepting writes because durability can no longer be promised
 * (for example a failed fsync: the kernel may have dropped the unsynced pages). Close it and
 * open the data directory again; recovery restores every acknowledged event.
 */
public final class StoreFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the reason the store failed. */
    public StoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
