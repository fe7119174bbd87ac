package io.tributary.examples.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** Loads a user from the source of truth; what {@link UserCache} reads through to on a miss. */
@FunctionalInterface
public interface UserLoader {
    /** The user {@code id} as the source has it now, empty if there is no such row. */
    Optional<User> load(int id);

    /**
     * Reads from the {@code users} table through {@code dataSource}, one connection per load.
     *
     * @throws IllegalStateException from {@link #load} when the database cannot be read (nothing is cached then)
     */
    static UserLoader jdbc(DataSource dataSource) {
        return id -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT id, email, name FROM users WHERE id = ?")) {
                s.setInt(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new User(rs.getInt(1), nullToEmpty(rs.getString(2)), nullToEmpty(rs.getString(3))));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot load user " + id + ": " + e.getMessage(), e);
            }
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
