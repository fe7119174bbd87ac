package io.tributary.core;

/**
 * The storage under the store failed (disk full, I/O error). The affected requests were not
 * acknowledged. Whether the store can go on is said by the subclass: {@link StoreFailedException}
 * means it cannot.
 */
public class StorageException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with an actionable message and the I/O cause. */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
