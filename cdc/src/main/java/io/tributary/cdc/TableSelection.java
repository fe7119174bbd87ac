package io.tributary.cdc;

import io.tributary.core.InvalidRequestException;
import java.util.List;
import java.util.Optional;

/**
 * A table to capture, with an optional column list and an optional row filter.
 *
 * @param schema    the schema, {@code public} unless given
 * @param table     the table name, as stored in the catalog (case-sensitive, unquoted)
 * @param columns   the columns to capture, empty for all; key columns are always captured
 * @param rowFilter a SQL boolean expression over the row (PostgreSQL 15 or later), e.g. {@code "region = 'eu'"}
 */
public record TableSelection(String schema, String table, List<String> columns, Optional<String> rowFilter) {
    /** Validates and copies. */
    public TableSelection {
        if (schema == null || schema.isBlank()) {
            throw new InvalidRequestException("table selection: schema must not be empty");
        }
        if (table == null || table.isBlank()) {
            throw new InvalidRequestException("table selection: table must not be empty");
        }
        if (columns == null || rowFilter == null) {
            throw new InvalidRequestException("table selection for " + table + ": columns and rowFilter must not be null");
        }
        columns = List.copyOf(columns);
        rowFilter = rowFilter.filter(f -> !f.isBlank());
    }

    /** All columns of {@code name}, which is {@code table} or {@code schema.table}. */
    public static TableSelection of(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("table name must not be empty");
        }
        int dot = name.indexOf('.');
        return dot < 0 ? new TableSelection("public", name, List.of(), Optional.empty())
                : new TableSelection(name.substring(0, dot), name.substring(dot + 1), List.of(), Optional.empty());
    }

    /** This table with only these columns (plus the key columns). */
    public TableSelection columns(String... names) {
        return new TableSelection(schema, table, List.of(names), rowFilter);
    }

    /** This table with a row filter (PostgreSQL 15 or later). */
    public TableSelection where(String filter) {
        return new TableSelection(schema, table, columns, Optional.of(filter));
    }

    /** {@code "schema"."table"}, quoted for SQL. */
    public String quotedName() {
        return quote(schema) + "." + quote(table);
    }

    /** Quotes an identifier for SQL. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
