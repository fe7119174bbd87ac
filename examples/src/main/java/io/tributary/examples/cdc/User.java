package io.tributary.examples.cdc;

import java.util.Objects;

/**
 * A row of the example's {@code users} table: {@code (id int PRIMARY KEY, email text, name text)}.
 *
 * @param id    the primary key
 * @param email the e-mail address
 * @param name  the full name
 */
public record User(int id, String email, String name) {
    /** Checks that the text columns are present. */
    public User {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(name, "name");
    }
}
