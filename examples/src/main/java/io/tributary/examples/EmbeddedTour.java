package io.tributary.examples;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.core.WrongExpectedVersionException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tour of the embedded log with the seed's bank account: append events with optimistic
 * concurrency, derive the balance by replaying them, look at an earlier version (time travel),
 * transfer atomically between two accounts, follow a category live, reopen and verify.
 */
public final class EmbeddedTour {
    private static final Pattern AMOUNT = Pattern.compile("\"amount\"\\s*:\\s*\"?([0-9.]+)\"?");

    private EmbeddedTour() {
    }

    /** Runs the tour in {@code dataDir}, or in a fresh temporary directory when null. */
    public static void run(Path dataDir) throws IOException, InterruptedException {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("tributary-demo-");
        say("Tributary embedded tour — data directory: " + dir);
        StreamName alice = StreamName.of("account", "alice-" + System.nanoTime() % 100_000);
        StreamName bob = StreamName.of("account", "bob-" + System.nanoTime() % 100_000);

        try (EmbeddedEventStore store = Tributary.open(dir)) {
            section("1. Event sourcing: the events are the source of truth");
            append(store, alice, ExpectedVersion.noStream(), "AccountOpened", "{\"owner\":\"Alice\"}");
            append(store, alice, ExpectedVersion.exact(0), "MoneyDeposited", "{\"amount\":\"100.00\"}");
            append(store, alice, ExpectedVersion.exact(1), "MoneyWithdrawn", "{\"amount\":\"30.00\"}");
            AppendResult last = append(store, alice, ExpectedVersion.exact(2), "MoneyDeposited", "{\"amount\":\"50.00\"}");
            for (RecordedEvent e : store.readStream(alice, 0, 100, Direction.FORWARD).events()) {
                say(String.format("  %s v%d @%d  %-15s %s", e.stream(), e.version(), e.position(), e.type(), e.dataAsString()));
            }
            say("  current balance (replayed): " + balance(store, alice, Long.MAX_VALUE));
            say("  balance as of version 1 (time travel): " + balance(store, alice, 1));

            section("2. Optimistic concurrency: a stale writer is refused, nothing is written");
            try {
                store.append(alice, ExpectedVersion.exact(1), EventData.json("MoneyWithdrawn", "{\"amount\":\"500.00\"}")).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof WrongExpectedVersionException w) {
                    say("  refused: " + w.getMessage());
                } else {
                    throw e;
                }
            }

            section("3. An atomic transfer across two streams");
            append(store, bob, ExpectedVersion.noStream(), "AccountOpened", "{\"owner\":\"Bob\"}");
            MultiAppendResult transfer = store.appendAll(List.of(
                    StreamAppend.of(alice, ExpectedVersion.exact(last.lastVersion()),
                            EventData.json("MoneyWithdrawn", "{\"amount\":\"20.00\",\"to\":\"" + bob + "\"}")),
                    StreamAppend.of(bob, ExpectedVersion.exact(0),
                            EventData.json("MoneyDeposited", "{\"amount\":\"20.00\",\"from\":\"" + alice + "\"}")))).join();
            say("  both streams written together, consistency token (position) " + transfer.position());
            say("  Alice: " + balance(store, alice, Long.MAX_VALUE) + ", Bob: " + balance(store, bob, Long.MAX_VALUE));

            section("4. A live subscription to the 'account' category: catch-up, then live");
            try (Subscription sub = store.subscribeToCategory("account", 0)) {
                int caught = 0;
                List<RecordedEvent> batch;
                while (!(batch = sub.poll(1000, Duration.ofMillis(200))).isEmpty()) {
                    caught += batch.size();
                }
                say("  caught up on " + caught + " account events");
                append(store, bob, ExpectedVersion.exact(1), "MoneyDeposited", "{\"amount\":\"5.00\"}");
                for (RecordedEvent e : sub.poll(10, Duration.ofSeconds(5))) {
                    say("  live: " + e.stream() + " " + e.type() + " " + e.dataAsString());
                }
            }
            say("  head position: " + store.headPosition() + ", stats: " + store.stats());
        }

        section("5. Reopen (recovery) and verify the data directory offline");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            say("  reopened: Alice " + balance(store, alice, Long.MAX_VALUE) + ", Bob " + balance(store, bob, Long.MAX_VALUE)
                    + ", " + store.readAll(0, 10_000, Direction.FORWARD, ReadFilter.all()).events().size() + " events in $all");
        }
        VerificationReport report = Verifier.verify(dir);
        say("  verifier: " + report.summary().lines().findFirst().orElse(""));
        say("\nDone. Run it again with --data " + dir + " to keep adding to the same log.");
    }

    private static AppendResult append(EmbeddedEventStore store, StreamName s, ExpectedVersion ev, String type, String json) {
        return store.append(s, ev, EventData.json(type, json)).join();
    }

    /** Replays the stream up to {@code version}: deposits add, withdrawals subtract. Exact decimals. */
    private static BigDecimal balance(EmbeddedEventStore store, StreamName s, long version) {
        BigDecimal balance = BigDecimal.ZERO;
        for (RecordedEvent e : store.readStream(s, 0, 10_000, Direction.FORWARD).events()) {
            if (e.version() > version) {
                break;
            }
            Matcher m = AMOUNT.matcher(e.dataAsString());
            if (!m.find()) {
                continue;
            }
            BigDecimal amount = new BigDecimal(m.group(1));
            balance = e.type().equals("MoneyWithdrawn") ? balance.subtract(amount) : balance.add(amount);
        }
        return balance;
    }

    private static void section(String title) {
        System.out.println();
        System.out.println(title);
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
