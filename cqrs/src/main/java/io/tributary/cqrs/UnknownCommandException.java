package io.tributary.cqrs;

import io.tributary.core.TributaryException;

/** No route or handler is registered for a command's class (or any of its supertypes). */
public final class UnknownCommandException extends TributaryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception naming the command class. */
    public UnknownCommandException(Class<?> commandClass) {
        super("no handler for command " + commandClass.getName()
                + ": register one with CommandBus.builder().route(...) or .handler(...)");
    }
}
