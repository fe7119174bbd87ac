package io.tributary.examples.activity;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.examples.LogReads;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.StreamProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Runs user-activity monitoring on an embedded store: simulates an hour of activity of 20 users
 * (with a credential-stuffing attack and a card-testing attack), runs the topology, and prints
 * what it appended and what its stores hold. {@code args[0]}: a data directory (default: a
 * temporary one).
 */
public final class ActivityExample {
    private ActivityExample() {
    }

    /** Runs the example. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tributary-activity");
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            long lastInput = simulate(store, 42, 1_767_225_600_000L);
            try (StreamProcessor p = StreamProcessor.start(store, ActivityMonitoring.topology(), ProcessorConfig.of("activity-monitoring"))) {
                if (!p.awaitPosition(lastInput, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the processor did not catch up: " + p.status());
                }
                System.out.println("status: " + p.status());
                System.out.println("leaderboard: " + ((Leaderboard) p.query("leaderboard", "all").orElseThrow()).top(5));
                Map<String, Object> perCountry = new TreeMap<>();
                for (String c : List.of("NO", "FR", "JP")) {
                    perCountry.put(c, p.query("viewsPerCountry", c).orElse(0L));
                }
                System.out.println("views per country: " + perCountry);
            }
            Map<String, Integer> outputs = new TreeMap<>();
            for (RecordedEvent e : LogReads.readAll(store, ReadFilter.categories("activity.perminute", "activity.active", "activity.session", "fraud.alerts"))) {
                outputs.merge(e.stream().category() + " " + e.type(), 1, Integer::sum);
                if (e.stream().category().equals("fraud.alerts")) {
                    System.out.println("alert " + e.type() + " " + e.dataAsString());
                }
            }
            System.out.println("appended: " + outputs);
        }
    }

    /** Appends an hour of simulated activity from {@code startMs}; returns the last position. */
    public static long simulate(EmbeddedEventStore store, long seed, long startMs) {
        Random r = new Random(seed);
        String[] countries = {"NO", "FR", "JP"};
        String[] pages = {"/home", "/search", "/product/1", "/product/2", "/cart"};
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            pending.add(store.append(StreamName.of("profile", "u" + u), ExpectedVersion.any(),
                    EventData.json("ProfileUpdated", "{\"country\":\"" + countries[u % 3] + "\"}")));
        }
        Map<Long, List<Activity>> attacks = attacks(startMs + 600_000);
        for (long t = startMs; t < startMs + 3_600_000; t += 1_000) {
            for (Activity a : attacks.getOrDefault(t, List.of())) {
                String type = a.target().equals("login") ? "LoginAttempted" : "PaymentAttempted";
                pending.add(store.append(StreamName.of("activity", a.user()), ExpectedVersion.any(), a.toEvent(type)));
            }
            String user = "u" + r.nextInt(20);
            if (r.nextInt(10) < 3) {
                continue;
            }
            boolean view = r.nextBoolean();
            Activity a = new Activity(user, view ? pages[r.nextInt(pages.length)] : "button-" + r.nextInt(3), true, t - r.nextInt(20_000));
            pending.add(store.append(StreamName.of("activity", user), ExpectedVersion.any(), a.toEvent(view ? "PageViewed" : "Clicked")));
        }
        pending.forEach(CompletableFuture::join);
        return store.headPosition();
    }

    /** A credential-stuffing attack on u7 and card testing by u3 from {@code attack}, by event time. */
    private static Map<Long, List<Activity>> attacks(long attack) {
        Map<Long, List<Activity>> at = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            at.computeIfAbsent(attack + i * 5_000, t -> new ArrayList<>()).add(new Activity("u7", "login", false, attack + i * 5_000));
        }
        at.computeIfAbsent(attack + 20_000, t -> new ArrayList<>()).add(new Activity("u7", "login", true, attack + 20_000));
        for (int i = 0; i < 4; i++) {
            long t = attack + 60_000 + i * 30_000;
            at.computeIfAbsent(t, x -> new ArrayList<>()).add(new Activity("u3", "pay:card", false, t));
        }
        return at;
    }
}
