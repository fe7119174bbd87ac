package io.tributary.streams;

/** When a windowed aggregation emits results. */
public enum Emit {
    /** Every change of a window's aggregate is emitted at once (a changelog). */
    ON_EVERY_UPDATE,
    /** Only the final aggregate, once, when the watermark passes the window's end plus its grace. */
    ON_WINDOW_CLOSE
}
