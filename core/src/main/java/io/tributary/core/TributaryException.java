package io.tributary.core;

/**
 * The root of every exception Tributary throws. Unchecked: callers catch the specific
 * subclasses they can act on.
 */
public class TributaryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that says what went wrong and what to do. */
    public TributaryException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public TributaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
