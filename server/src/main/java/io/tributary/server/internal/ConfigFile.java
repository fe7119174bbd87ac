package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.server.ServerConfig;
import io.tributary.store.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The server's YAML configuration file. Keys (all optional): {@code data}, {@code bind},
 * {@code port}, {@code authToken}, {@code durability} ({@code fsync}, {@code none},
 * {@code interval:<ms>}), {@code maxEventBytes}, {@code maxRequestBytes},
 * {@code heartbeatIntervalMs}, {@code shutdownTimeoutMs}. An unknown key or a value of the
 * wrong kind fails with a message naming the key.
 */
final class ConfigFile {
    static final Map<String, String> KEYS = Map.of(
            "data", "the data directory",
            "bind", "the address to listen on (default 127.0.0.1)",
            "port", "the TCP port (default 7070; 0 picks a free one)",
            "authToken", "require 'Authorization: Bearer <token>' on every endpoint but /health",
            "durability", "fsync (default), none or interval:<ms>",
            "maxEventBytes", "largest event in bytes (default 1048576)",
            "maxRequestBytes", "largest append request body in bytes (default 16777216)",
            "heartbeatIntervalMs", "SSE heartbeat interval, 1 to 15000 (default 10000)",
            "shutdownTimeoutMs", "how long shutdown waits for appends in flight (default 10000)");

    private ConfigFile() {
    }

    /** A configuration problem, naming the file and key. */
    static final class InvalidConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }
    }

    /** Applies the file's settings to {@code builder}; returns the data directory if the file sets one. */
    static Path apply(Path file, ServerConfig.Builder builder) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new InvalidConfigException("configuration file " + file + " must be a YAML mapping of keys to values");
        }
        Path data = null;
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            String where = "configuration file " + file + ", key '" + key + "'";
            try {
                switch (key) {
                    case "data" -> data = Path.of(text(value, where));
                    case "bind" -> builder.bindAddress(text(value, where));
                    case "port" -> builder.port((int) number(value, where, 0, 65_535));
                    case "authToken" -> builder.authToken(text(value, where));
                    case "durability" -> builder.durability(Durability.parse(text(value, where)));
                    case "maxEventBytes" -> builder.maxEventBytes((int) number(value, where, 1024, Integer.MAX_VALUE));
                    case "maxRequestBytes" -> builder.maxRequestBytes((int) number(value, where, 1024, Integer.MAX_VALUE));
                    case "heartbeatIntervalMs" -> builder.heartbeatIntervalMs(number(value, where, 1, 15_000));
                    case "shutdownTimeoutMs" -> builder.shutdownTimeoutMs(number(value, where, 0, Long.MAX_VALUE));
                    default -> throw new InvalidConfigException(where + " is not a known key; known keys: "
                            + new java.util.TreeSet<>(KEYS.keySet()));
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(where + ": " + e.getMessage());
            }
        }
        return data;
    }

    private static String text(JsonNode value, String where) {
        if (!value.isValueNode() || value.isNull() || value.asText().isBlank()) {
            throw new InvalidConfigException(where + " must be a non-empty text value");
        }
        return value.asText();
    }

    private static long number(JsonNode value, String where, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw new InvalidConfigException(where + " must be a whole number between " + min + " and " + max
                    + ", got " + value);
        }
        return value.longValue();
    }
}
