package io.tributary.core;

/**
 * Back-pressure: too many appends are waiting to be written. Nothing of this request was
 * written; wait for earlier appends to complete and try again.
 */
public final class StoreBusyException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the limit that was hit. */
    public StoreBusyException(String message) {
        super(message);
    }
}
