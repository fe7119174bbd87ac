package io.tributary.core;

/** The direction of a read. */
public enum Direction {
    /** Oldest first. */
    FORWARD,
    /** Newest first. */
    BACKWARD
}
