package io.tributary.cdc;

import io.tributary.core.TributaryException;

/** Change capture failed: the source sent something unexpected, or the log refused the changes. */
public class CdcException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message says what went wrong and what to do. */
    public CdcException(String message) {
        super(message);
    }

    /** Creates an exception with its cause. */
    public CdcException(String message, Throwable cause) {
        super(message, cause);
    }
}
