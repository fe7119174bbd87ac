package io.tributary.server;

import io.tributary.store.Durability;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of a {@link TributaryServer}. Immutable; validated when built; every setting has
 * a default. Start from {@link #builder(Path)}.
 *
 * @param dataDirectory       the embedded store's data directory (created if missing)
 * @param bindAddress         the address to listen on; default {@code 127.0.0.1} (local only)
 * @param port                the TCP port, 0 to pick a free one; default 7070
 * @param authToken           when present, every endpoint but {@code /health} requires
 *                            {@code Authorization: Bearer <token>}; default none
 * @param durability          when appends are acknowledged; default {@link Durability#fsync()}
 * @param maxEventBytes       largest event (type + data + metadata); default 1 MiB
 * @param maxRequestBytes     largest append request body; default 16 MiB
 * @param heartbeatIntervalMs SSE heartbeat comment after this long without output, 1 to 15,000; default 10,000
 * @param shutdownTimeoutMs   how long a graceful shutdown waits for in-flight appends; default 10,000
 */
public record ServerConfig(Path dataDirectory, String bindAddress, int port, Optional<String> authToken,
                           Durability durability, int maxEventBytes, int maxRequestBytes,
                           long heartbeatIntervalMs, long shutdownTimeoutMs) {

    /** Validates every setting; throws {@link IllegalArgumentException} naming the setting. */
    public ServerConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(durability, "durability");
        require(!bindAddress.isBlank(), "bind address must not be empty");
        require(port >= 0 && port <= 65_535, "port must be between 0 and 65535, got " + port);
        require(authToken.map(t -> !t.isBlank()).orElse(true), "auth token must not be empty");
        require(maxEventBytes >= 1024, "maxEventBytes must be at least 1024, got " + maxEventBytes);
        require(maxRequestBytes >= maxEventBytes,
                "maxRequestBytes (" + maxRequestBytes + ") must be at least maxEventBytes (" + maxEventBytes + ")");
        require(heartbeatIntervalMs >= 1 && heartbeatIntervalMs <= 15_000,
                "heartbeatIntervalMs must be between 1 and 15000, got " + heartbeatIntervalMs);
        require(shutdownTimeoutMs >= 0, "shutdownTimeoutMs must be >= 0, got " + shutdownTimeoutMs);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A builder with every default set, storing data in {@code dataDirectory}. */
    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /** Builds a {@link ServerConfig}; each setter documents its default on {@link ServerConfig}. */
    public static final class Builder {
        private Path dataDirectory;
        private String bindAddress = "127.0.0.1";
        private int port = 7070;
        private Optional<String> authToken = Optional.empty();
        private Durability durability = Durability.fsync();
        private int maxEventBytes = 1 << 20;
        private int maxRequestBytes = 16 << 20;
        private long heartbeatIntervalMs = 10_000;
        private long shutdownTimeoutMs = 10_000;

        private Builder(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        }

        /** Sets {@link ServerConfig#dataDirectory()}. */
        public Builder dataDirectory(Path value) {
            this.dataDirectory = value;
            return this;
        }

        /** Sets {@link ServerConfig#bindAddress()}. */
        public Builder bindAddress(String value) {
            this.bindAddress = value;
            return this;
        }

        /** Sets {@link ServerConfig#port()}. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Sets {@link ServerConfig#authToken()}. */
        public Builder authToken(String value) {
            this.authToken = Optional.of(value);
            return this;
        }

        /** Sets {@link ServerConfig#durability()}. */
        public Builder durability(Durability value) {
            this.durability = value;
            return this;
        }

        /** Sets {@link ServerConfig#maxEventBytes()}. */
        public Builder maxEventBytes(int value) {
            this.maxEventBytes = value;
            return this;
        }

        /** Sets {@link ServerConfig#maxRequestBytes()}. */
        public Builder maxRequestBytes(int value) {
            this.maxRequestBytes = value;
            return this;
        }

        /** Sets {@link ServerConfig#heartbeatIntervalMs()}. */
        public Builder heartbeatIntervalMs(long value) {
            this.heartbeatIntervalMs = value;
            return this;
        }

        /** Sets {@link ServerConfig#shutdownTimeoutMs()}. */
        public Builder shutdownTimeoutMs(long value) {
            this.shutdownTimeoutMs = value;
            return this;
        }

        /** Validates and builds. */
        public ServerConfig build() {
            return new ServerConfig(dataDirectory, bindAddress, port, authToken, durability, maxEventBytes,
                    maxRequestBytes, heartbeatIntervalMs, shutdownTimeoutMs);
        }
    }
}
