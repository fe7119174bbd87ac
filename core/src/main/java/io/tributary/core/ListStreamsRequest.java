package io.tributary.core;

import java.util.Optional;

/**
 * Which streams to list, in name order.
 *
 * @param category only streams of this category (empty: all)
 * @param prefix   only streams whose name starts with this (empty string: all)
 * @param after    only names after this one, for paging (empty: from the start)
 * @param limit    at most this many, 1 to 10,000
 */
public record ListStreamsRequest(Optional<String> category, String prefix, Optional<String> after, int limit) {
    /** Validates. */
    public ListStreamsRequest {
        if (limit < 1 || limit > 10_000) {
            throw new InvalidRequestException("limit must be between 1 and 10000, got " + limit);
        }
        if (prefix == null) {
            throw new InvalidRequestException("prefix must not be null (use \"\")");
        }
    }

    /** The first {@code limit} streams. */
    public static ListStreamsRequest first(int limit) {
        return new ListStreamsRequest(Optional.empty(), "", Optional.empty(), limit);
    }

    /** The first {@code limit} streams of {@code category}. */
    public static ListStreamsRequest ofCategory(String category, int limit) {
        return new ListStreamsRequest(Optional.of(category), "", Optional.empty(), limit);
    }

    /** The same request continuing after {@code name}. */
    public ListStreamsRequest after(String name) {
        return new ListStreamsRequest(category, prefix, Optional.of(name), limit);
    }
}
