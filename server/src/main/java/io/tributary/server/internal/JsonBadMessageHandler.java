package io.tributary.server.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to requests it refuses before they reach the API (an undecodable URI, a bad
 * header) in the contract's JSON error shape instead of an HTML page, never with a stack trace.
 */
final class JsonBadMessageHandler extends ErrorHandler {
    JsonBadMessageHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        String code = status == 413 || status == 431 ? "payload_too_large" : "bad_request";
        ApiException e = new ApiException(status, code,
                "the request was refused by the HTTP layer: " + (reason == null ? "malformed request" : reason), Map.of());
        return ByteBuffer.wrap(Json.error(e));
    }
}
