package io.tributary.store.internal;

import org.rocksdb.ColumnFamilyHandle;

/**
 * Walks the run entries of one key (a stream in the version index, a category or a type)
 * event by event, forward or backward. For the version index {@link #number()} is a version
 * and {@link #position()} its position; for categories and types both are the position.
 */
final class PostingCursor implements AutoCloseable {
    private final Index.BoundedIterator bi;
    private final boolean forward;
    private final boolean versions;
    private long runFirst;
    private long runCount;
    private long runPosition;
    private long current;
    private boolean valid;

    private PostingCursor(Index index, ColumnFamilyHandle cf, byte[] key, boolean forward) {
        this.bi = index.prefixIterator(cf, key);
        this.forward = forward;
        this.versions = cf == index.versions;
    }

    /** A cursor at the first entry at or after {@code from} (forward) or at or before it (backward). */
    static PostingCursor open(Index index, ColumnFamilyHandle cf, byte[] key, long from, boolean forward) {
        PostingCursor c = new PostingCursor(index, cf, key, forward);
        c.bi.it.seekForPrev(Keys.prefixed(key, from));
        if (forward) {
            if (c.load() && from < c.runFirst + c.runCount) {
                c.current = from;
            } else {
                if (c.bi.it.isValid()) {
                    c.bi.it.next();
                } else {
                    c.bi.it.seek(Keys.prefixed(key, from));
                }
                if (c.load()) {
                    c.current = c.runFirst;
                }
            }
        } else if (c.load()) {
            c.current = Math.min(from, c.runFirst + c.runCount - 1);
        }
        return c;
    }

    private boolean load() {
        valid = bi.it.isValid();
        if (!valid) {
            return false;
        }
        runFirst = Keys.suffixNumber(bi.it.key());
        byte[] v = bi.it.value();
        if (versions) {
            runPosition = Keys.getLong(v, 0);
            runCount = Keys.getInt(v, 8);
        } else {
            runPosition = runFirst;
            runCount = Keys.getInt(v, 0);
        }
        return true;
    }

    boolean valid() {
        return valid;
    }

    /** The current version (version index) or position. */
    long number() {
        return current;
    }

    /** The current event's position. */
    long position() {
        return runPosition + (current - runFirst);
    }

    void advance() {
        if (forward) {
            if (++current >= runFirst + runCount) {
                bi.it.next();
                if (load()) {
                    current = runFirst;
                }
            }
        } else if (--current < runFirst) {
            bi.it.prev();
            if (load()) {
                current = runFirst + runCount - 1;
            }
        }
    }

    @Override
    public void close() {
        bi.close();
    }
}
