package io.tributary.cdc;

/**
 * The source database is not set up for change capture (for example {@code wal_level} is not
 * {@code logical}, or the role lacks the {@code REPLICATION} attribute). The message names the
 * setting or privilege to change.
 */
public final class SourceConfigurationException extends CdcException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message says what to change. */
    public SourceConfigurationException(String message) {
        super(message);
    }

    /** Creates the exception with the driver's error. */
    public SourceConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
