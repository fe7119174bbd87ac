package io.tributary.cqrs;

import io.tributary.core.TributaryException;

/**
 * A read-your-writes wait ended before the projection processed the wanted position: it timed
 * out, or the projection stopped. The read model may be behind the caller's own write.
 */
public final class ProjectionTimeoutException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final String projection;
    private final long wanted;
    private final long reached;

    /** Creates the exception. */
    public ProjectionTimeoutException(String projection, long wanted, long reached, String why) {
        super("projection '" + projection + "' has processed up to position " + reached + ", not " + wanted
                + ": " + why);
        this.projection = projection;
        this.wanted = wanted;
        this.reached = reached;
    }

    /** The projection waited on. */
    public String projection() {
        return projection;
    }

    /** The position waited for. */
    public long wanted() {
        return wanted;
    }

    /** The position the projection had processed when the wait ended. */
    public long reached() {
        return reached;
    }
}
