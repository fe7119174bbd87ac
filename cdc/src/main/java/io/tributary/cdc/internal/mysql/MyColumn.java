package io.tributary.cdc.internal.mysql;

import java.nio.charset.Charset;
import java.util.List;

/**
 * A column as capture decodes it, from a binlog table map (its names, types and metadata at that
 * binlog position) completed by {@code information_schema}, or from {@code information_schema} alone
 * for the snapshot.
 *
 * @param name       the column name
 * @param kind       how values are converted
 * @param unsigned   an unsigned integer column
 * @param charset    the character set of a text column; null for binary columns
 * @param collation  the collation name of a text column (key comparisons), empty when unknown
 * @param padLength  a {@code BINARY(n)} column's length: the binlog drops trailing zero bytes, the column keeps them;
 *                   0 otherwise
 * @param labels     enum or set values, in definition order
 * @param bits       a {@code BIT(n)} column's n
 * @param binaryJson the binlog sends MySQL's binary JSON for this column
 */
record MyColumn(String name, Kind kind, boolean unsigned, Charset charset, String collation, int padLength,
                List<String> labels, int bits, boolean binaryJson) {

    /** How a column's values map to JSON. */
    enum Kind { INT, BOOL, FLOAT, DOUBLE, DECIMAL, DATE, DATETIME, TIMESTAMP, TIME, YEAR, TEXT, BINARY, JSON, ENUM, SET, BIT }

    MyColumn {
        labels = List.copyOf(labels);
    }
}
