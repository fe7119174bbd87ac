package io.tributary.streams.internal;

/**
 * One change of a table's key: its new value ({@code null}: the key was deleted) and its value
 * before ({@code null}: absent, or unknown when the table does not track old values — see
 * {@link KTableImpl#oldValues}). Internal: the public API never shows nulls.
 *
 * @param newValue the value after the change, or null for a delete
 * @param oldValue the value before the change, or null
 * @param <V> the value type
 */
record Change<V>(V newValue, V oldValue) {
}
