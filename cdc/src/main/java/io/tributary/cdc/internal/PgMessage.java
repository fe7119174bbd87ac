package io.tributary.cdc.internal;

import java.util.List;

/** One decoded pgoutput message (protocol versions 1 and 2). Field names follow PostgreSQL's documentation. */
public sealed interface PgMessage {

    /** BEGIN of a transaction sent after its commit. */
    record Begin(long finalLsn, long commitTimeMicros, int xid) implements PgMessage {
    }

    /** COMMIT of a transaction. */
    record Commit(long commitLsn, long endLsn, long commitTimeMicros) implements PgMessage {
    }

    /** A relation's schema; sent before the first change of a relation and after every schema change. */
    record Relation(int xid, int relationId, String namespace, String name, char replicaIdentity,
                    List<Column> columns) implements PgMessage {
        /** Copies the list. */
        public Relation {
            columns = List.copyOf(columns);
        }
    }

    /** A column of a {@link Relation}. */
    record Column(boolean key, String name, int typeOid, int typeModifier) {
    }

    /** A non-built-in data type's name. */
    record Type(int xid, int typeOid, String namespace, String name) implements PgMessage {
    }

    /** INSERT: the new row. */
    record Insert(int xid, int relationId, Tuple after) implements PgMessage {
    }

    /**
     * UPDATE: the new row; {@code old} is the old key ({@code oldKind} 'K') or the whole old row
     * ('O', REPLICA IDENTITY FULL), or null ({@code oldKind} 0) when neither was sent.
     */
    record Update(int xid, int relationId, char oldKind, Tuple old, Tuple after) implements PgMessage {
    }

    /** DELETE: the old key ('K') or the whole old row ('O'). */
    record Delete(int xid, int relationId, char oldKind, Tuple old) implements PgMessage {
    }

    /** TRUNCATE of one or more relations. */
    record Truncate(int xid, boolean cascade, boolean restartIdentity, int[] relationIds) implements PgMessage {
    }

    /** A logical decoding message written with {@code pg_logical_emit_message}. */
    record Message(int xid, boolean transactional, long lsn, String prefix, byte[] content) implements PgMessage {
    }

    /** Replication origin of a transaction; ignored. */
    record Origin(long lsn, String name) implements PgMessage {
    }

    /** Protocol v2: a chunk of a large in-progress transaction starts. */
    record StreamStart(int xid, boolean firstSegment) implements PgMessage {
    }

    /** Protocol v2: the current chunk ends. */
    record StreamStop() implements PgMessage {
    }

    /** Protocol v2: a streamed transaction committed. */
    record StreamCommit(int xid, long commitLsn, long endLsn, long commitTimeMicros) implements PgMessage {
    }

    /** Protocol v2: a streamed transaction (subxid == xid) or one of its subtransactions aborted. */
    record StreamAbort(int xid, int subxid) implements PgMessage {
    }

    /**
     * The column values of a row as sent: per column one of {@link #NULL}, {@link #UNCHANGED_TOAST}
     * or {@link #TEXT} with its text.
     */
    record Tuple(byte[] kinds, String[] values) {
        /** The column is SQL NULL. */
        public static final byte NULL = 'n';
        /** The column is a TOASTed value that did not change and was not sent. */
        public static final byte UNCHANGED_TOAST = 'u';
        /** The column's value is in text form. */
        public static final byte TEXT = 't';

        /** Number of columns. */
        public int size() {
            return kinds.length;
        }
    }
}
