package io.tributary.server.internal;

import io.javalin.http.HttpResponseException;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.PayloadTooLargeException;
import io.tributary.core.StorageException;
import io.tributary.core.StoreBusyException;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StoreFailedException;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps anything a handler throws to the contract's status and error body. Unexpected failures
 * are logged here with their stack trace and answered with a generic 500: no stack trace ever
 * reaches a client.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    static ApiException toApi(Throwable thrown) {
        Throwable e = unwrap(thrown);
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof PayloadTooLargeException p) {
            return ApiException.tooLarge(p.getMessage());
        }
        if (e instanceof InvalidRequestException i) {
            return ApiException.badRequest(i.getMessage());
        }
        if (e instanceof WrongExpectedVersionException w) {
            return new ApiException(409, "wrong_expected_version", w.getMessage(), Map.of(
                    "stream", w.stream().value(), "expected", w.expected().toString(), "actual", w.actualVersion()));
        }
        if (e instanceof StreamDeletedException d) {
            return new ApiException(410, "stream_deleted", d.getMessage(), Map.of("stream", d.stream().value()));
        }
        if (e instanceof StreamNotFoundException n) {
            return new ApiException(404, "not_found", n.getMessage(), Map.of("stream", n.stream().value()));
        }
        if (e instanceof DuplicateEventException d) {
            return new ApiException(409, "duplicate_event", d.getMessage(), Map.of(
                    "stream", d.stream().value(), "eventId", d.eventId().toString()));
        }
        if (e instanceof StoreBusyException || e instanceof StorageException || e instanceof StoreFailedException
                || e instanceof StoreClosedException) {
            LOG.warn("store unavailable: {}", e.getMessage());
            return ApiException.unavailable(e.getMessage());
        }
        if (e instanceof HttpResponseException h) {
            int status = h.getStatus();
            String code = switch (status) {
                case 400 -> "bad_request";
                case 401 -> "unauthorized";
                case 404 -> "not_found";
                case 405 -> "method_not_allowed";
                case 413 -> "payload_too_large";
                case 503 -> "unavailable";
                default -> status >= 500 ? "internal_error" : "bad_request";
            };
            return new ApiException(status, code, h.getMessage(), Map.of());
        }
        LOG.error("unexpected failure while handling a request", e);
        return new ApiException(500, "internal_error",
                "the server failed to handle the request; see the server log", Map.of());
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
