package io.tributary.core;

/**
 * A request was malformed (bad stream name, empty event type, an empty batch, ...).
 * Nothing was written. The message names the offending input.
 */
public class InvalidRequestException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming what was wrong. */
    public InvalidRequestException(String message) {
        super(message);
    }
}
