package io.tributary.server.internal;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web console: static HTML, CSS and JavaScript (plain ES modules, no build step) served from
 * the classpath at {@code /} and {@code /console/<file>}. The files hold no data, so they are
 * served without the bearer token; the console asks for the token and sends it on every API call.
 */
final class ConsoleAssets {
    private static final String ROOT = "/io/tributary/server/console/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    /** Everything from our own origin; no inline scripts, no third-party code. */
    private static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private ConsoleAssets() {
    }

    /** True for the paths of console files (served without authentication). */
    static boolean isConsolePath(String path) {
        return path.equals("/") || path.startsWith("/console/");
    }

    static void register(Javalin app) {
        app.get("/", ctx -> serve(ctx, "index.html"));
        app.get("/console/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private static void serve(Context ctx, String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.notFound("no console file '" + name + "'");
        }
        byte[] content;
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw ApiException.notFound("no console file '" + name + "'");
            }
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", POLICY);
        ctx.status(200).contentType(TYPES.get(extension)).result(content);
    }
}
