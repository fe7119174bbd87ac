package io.tributary.server.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server refuses with a 4xx/5xx status and the contract's error body
 * {@code {"error", "message", ...extra}}. Thrown by handlers; written by {@link ErrorResponses}.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final transient Map<String, Object> extra;

    ApiException(int status, String code, String message, Map<String, Object> extra) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.extra = new LinkedHashMap<>(extra);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message, Map.of());
    }

    static ApiException tooLarge(String message) {
        return new ApiException(413, "payload_too_large", message, Map.of());
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, Map.of());
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, Map.of());
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message, Map.of());
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code of the body. */
    public String code() {
        return code;
    }

    /** Extra fields of the body, in order. */
    public Map<String, Object> extra() {
        return extra;
    }
}
