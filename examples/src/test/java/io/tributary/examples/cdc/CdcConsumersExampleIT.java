package io.tributary.examples.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole story as {@code ./tributary cdc-example} runs it, on real PostgreSQL, Lucene and Caffeine. */
class CdcConsumersExampleIT {
    @TempDir
    Path dir;

    @Test
    void runsTheStoryAndEveryConsumerEndsEqualToTheSourceTable() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CdcConsumersExample.Outcome outcome;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            outcome = CdcConsumersExample.run(dir.resolve("data"), out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(outcome.source()).isEqualTo(Map.of(
                121, new User(121, "alan@turing.org", "Alan Turing"),
                122, new User(122, "edsger@dijkstra.org", "Edsger Dijkstra"),
                123, new User(123, "ada@lovelace.org", "Ada Lovelace"),
                124, new User(124, "grace@hopper.org", "Grace Brewster Hopper"),
                126, new User(126, "barbara@liskov.org", "Barbara Liskov")));
        assertThat(outcome.searchIndexMatches()).as(text).isTrue();
        assertThat(outcome.cacheMatches()).as(text).isTrue();
        assertThat(outcome.replicaMatches()).as(text).isTrue();
        assertThat(text)
                .contains("\"op\":\"u\"", "\"email\":\"ada@lovelace.org\"", "stream users-123, cdc.update")
                .contains("search \"ada@example.com\" → []")
                .contains("replica       rows = source rows: true")
                .contains("search \"ken\"     → []   (user 125 was deleted)")
                .contains("search \"liskov\"  → [User[id=126, email=barbara@liskov.org, name=Barbara Liskov]]");
    }

    @Test
    void refusesADataDirectoryThatIsNotEmptyAndWritesNothing() throws Exception {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("something"), "x");
        assertThatThrownBy(() -> CdcConsumersExample.run(used, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not empty");
        try (var entries = Files.list(used)) {
            assertThat(entries).containsExactly(used.resolve("something"));
        }
    }
}
