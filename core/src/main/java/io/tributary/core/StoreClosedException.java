package io.tributary.core;

/** The store (or subscription) was closed; open it again to go on. */
public final class StoreClosedException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception saying what was closed. */
    public StoreClosedException(String message) {
        super(message);
    }
}
