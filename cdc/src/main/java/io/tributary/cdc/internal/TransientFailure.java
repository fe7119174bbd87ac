package io.tributary.cdc.internal;

import com.github.shyiko.mysql.binlog.network.ServerException;
import io.tributary.core.TributaryException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a lost source — what a restart mends — from the failures it does not: a broken or refused connection, a
 * server shut down or restarted, a replication slot still held by the session that just died, a connect timeout.
 * The log's own refusals ({@link TributaryException}: a second capture, a change too large, a closed store), a binlog
 * the server cannot serve from the requested place (error 1236: purged, diverged, a duplicate server id) and anything
 * else stop the capture.
 */
public final class TransientFailure {
    /** MySQL/MariaDB's ER_MASTER_FATAL_ERROR_READING_BINLOG: the binlog cannot be read from the requested place. */
    private static final int BINLOG_UNAVAILABLE = 1236;

    private TransientFailure() {
    }

    /** Whether {@code failure}, or a cause of it, is a lost source and nothing in the chain is the log's refusal. */
    public static boolean is(Throwable failure) {
        boolean lost = false;
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 32; t = t.getCause()) { // bounded: a cause chain may loop
            if (t instanceof TributaryException && !(t instanceof io.tributary.cdc.CdcException)) {
                return false; // the store said no: restarting would say it again
            }
            if (t instanceof ServerException e && e.getErrorCode() == BINLOG_UNAVAILABLE) {
                return false; // the server cannot serve the binlog from there: purged, diverged, a duplicate server id
            }
            if (t instanceof SQLException e && lostSource(e.getSQLState())) {
                lost = true;
            } else if (t instanceof IOException || t instanceof TimeoutException) {
                lost = true;
            }
        }
        return lost;
    }

    /**
     * SQL states of a lost source: class 08 (connection exception), 57P01-57P03 (the server shutting down, crashed,
     * or not accepting connections yet), 53300 (too many connections), 55006 (object in use: a slot still held by the
     * walsender of the connection that just broke).
     */
    static boolean lostSource(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300") || state.equals("55006"));
    }
}
