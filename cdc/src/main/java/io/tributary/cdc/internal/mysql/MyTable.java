package io.tributary.cdc.internal.mysql;

import java.util.List;

/**
 * A captured table at one schema version.
 *
 * @param database   the database
 * @param table      the table name
 * @param category   the stream category
 * @param columns    the columns in table order
 * @param keyIndexes indexes of the primary key's columns, in key order; empty when the table has none
 * @param selected   per column, whether it is captured (key columns always are)
 */
record MyTable(String database, String table, String category, List<MyColumn> columns, int[] keyIndexes,
               boolean[] selected) {
    MyTable {
        columns = List.copyOf(columns);
    }

    /** {@code db.table}. */
    String qualifiedName() {
        return database + "." + table;
    }
}
