package io.tributary.server.internal;

import io.javalin.http.Context;
import io.tributary.core.Direction;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Strict parsing of query parameters: a malformed value is a 400 naming the parameter. */
final class Params {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private Params() {
    }

    static Optional<String> single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw ApiException.badRequest("query parameter '" + name + "' is given " + values.size() + " times; give it once");
        }
        return Optional.of(values.get(0));
    }

    static int limit(Context ctx) {
        Optional<String> text = single(ctx, "limit");
        if (text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        long value = nonNegative("limit", text.get());
        if (value < 1 || value > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", got " + text.get());
        }
        return (int) value;
    }

    static Direction direction(Context ctx) {
        String text = single(ctx, "direction").orElse("forward");
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "forward" -> Direction.FORWARD;
            case "backward" -> Direction.BACKWARD;
            default -> throw ApiException.badRequest("direction must be forward or backward, got '" + text + "'");
        };
    }

    /** {@code from}: a non-negative number; by default 0 forward and the end backward. */
    static long from(Context ctx, Direction direction) {
        Optional<String> text = single(ctx, "from");
        if (text.isEmpty()) {
            return direction == Direction.FORWARD ? 0 : Long.MAX_VALUE;
        }
        return nonNegative("from", text.get());
    }

    static long nonNegative(String name, String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + " must be a non-negative whole number, got '" + text + "'");
    }

    static boolean bool(Context ctx, String name) {
        String text = single(ctx, name).orElse("false");
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false, got '" + text + "'");
        };
    }
}
