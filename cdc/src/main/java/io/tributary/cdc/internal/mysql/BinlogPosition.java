package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.CdcException;

/**
 * A place in the source's binlog: file and byte offset, and the GTID state there (MariaDB
 * {@code domain-server-seq} list, or a MySQL GTID set; empty when unknown).
 *
 * @param file binlog file name, e.g. {@code mysql-bin.000003}
 * @param pos  byte offset in it
 * @param gtid GTID state after everything before this position, empty when not known
 */
public record BinlogPosition(String file, long pos, String gtid) implements Comparable<BinlogPosition> {
    /** Validates. */
    public BinlogPosition {
        if (file == null || file.isEmpty() || pos < 0 || gtid == null) {
            throw new CdcException("invalid binlog position " + file + ":" + pos);
        }
    }

    /** Binlog order: by the file's sequence number, then the offset. */
    @Override
    public int compareTo(BinlogPosition o) {
        int c = Long.compare(sequence(file), sequence(o.file));
        if (c == 0) {
            c = file.compareTo(o.file);
        }
        return c != 0 ? c : Long.compare(pos, o.pos);
    }

    private static long sequence(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return dot < 0 ? 0 : Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code file:pos}, plus {@code gtid} when known. */
    @Override
    public String toString() {
        return file + ":" + pos + (gtid.isEmpty() ? "" : " gtid " + gtid);
    }
}
