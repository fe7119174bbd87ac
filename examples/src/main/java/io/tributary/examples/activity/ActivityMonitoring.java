package io.tributary.examples.activity;

import io.tributary.core.RecordedEvent;
import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.Pattern;
import io.tributary.streams.Produced;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.Windowed;
import io.tributary.streams.Windows;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The user-activity monitoring topology. Inputs: category {@code activity} ({@link Activity}
 * events) and category {@code profile} ({@code ProfileUpdated}, data {@code {"country": ...}},
 * one stream per user). Outputs, appended to the log:
 * <ul>
 *   <li>{@code activity.perminute-<user>} {@code ActivityPerMinute}: views and clicks per user per minute (tumbling, final);</li>
 *   <li>{@code activity.active} {@code ActiveUsers}: distinct active users over 5 minutes, every minute (hopping, final);</li>
 *   <li>{@code activity.session-<user>} {@code SessionEnded}: each session's activity count (30-minute inactivity gap);</li>
 *   <li>{@code fraud.alerts-<user>} {@code SuspiciousLogin} (three failed logins then a success within 2 minutes) and
 *       {@code ManyFailedPayments} (3 failed payments within 10 minutes).</li>
 * </ul>
 * Queryable stores: {@code viewsPerCountry} (page views enriched with the user's country),
 * {@code leaderboard} (the most viewed pages).
 */
public final class ActivityMonitoring {
    /** How far behind the newest event an activity may arrive. */
    public static final Duration OUT_OF_ORDER = Duration.ofSeconds(30);

    private ActivityMonitoring() {
    }

    /** The topology. */
    public static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Activity> activity = b.stream(Consumed.category("activity", ActivityMonitoring::decode)
                .withTimestamps((e, a) -> a.atMs()).withMaxOutOfOrderness(OUT_OF_ORDER));
        KTable<String, String> countries = b.table(Consumed.category("profile", ActivityMonitoring::country)
                .withEventTypes("ProfileUpdated"), Materialized.as("countries"));

        KStream<String, Activity> views = activity.filter((u, a) -> a.target().startsWith("/"));
        KStream<String, Activity> interactions = activity.filter((u, a) -> !a.target().startsWith("pay:") && !a.target().equals("login"));

        // Page views and clicks per user per minute.
        interactions.groupByKey().windowedBy(Windows.tumbling(Duration.ofMinutes(1)).withGrace(Duration.ofSeconds(10)))
                .emit(Emit.ON_WINDOW_CLOSE)
                .aggregate(() -> new long[2], (u, a, c) -> a.target().startsWith("/") ? new long[] {c[0] + 1, c[1]} : new long[] {c[0], c[1] + 1},
                        (u, x, y) -> new long[] {x[0] + y[0], x[1] + y[1]}, Materialized.as("perMinute"))
                .toStream()
                .to(Produced.with((w, c) -> "activity.perminute-" + w.key(), "ActivityPerMinute",
                        (w, c) -> Activity.json(Map.of("user", w.key(), "minuteStart", w.window().startMs(), "views", c[0], "clicks", c[1]))));

        // Active users over a sliding 5 minutes (hopping by 1 minute).
        activity.selectKey((u, a) -> "all").groupByKey()
                .windowedBy(Windows.hopping(Duration.ofMinutes(5), Duration.ofMinutes(1))).emit(Emit.ON_WINDOW_CLOSE)
                .aggregate(Set::<String>of, (k, a, users) -> plus(users, a.user()), (k, x, y) -> union(x, y), Materialized.as("activeUsers"))
                .toStream()
                .to(Produced.with((w, users) -> "activity.active", "ActiveUsers",
                        (w, users) -> Activity.json(Map.of("windowStart", w.window().startMs(), "windowEnd", w.window().endMs(), "users", users.size()))));

        // Sessions: 30 minutes of inactivity end one.
        activity.groupByKey().windowedBy(Windows.session(Duration.ofMinutes(30))).emit(Emit.ON_WINDOW_CLOSE)
                .count(Materialized.as("sessions")).toStream()
                .to(Produced.with((Windowed<String> w, Long n) -> "activity.session-" + w.key(), "SessionEnded",
                        (w, n) -> Activity.json(Map.of("user", w.key(), "start", w.window().startMs(), "end", w.window().endMs(), "activities", n))));

        // Enrichment: page views per country of the viewer (stream–table join).
        views.join(countries, (a, country) -> country).groupBy((u, country) -> country).count(Materialized.as("viewsPerCountry"));

        // Live leaderboard of the most viewed pages.
        views.groupBy((u, a) -> "all").aggregate(Leaderboard::empty, (k, a, board) -> board.view(a.target()), Materialized.as("leaderboard"));

        // Fraud: three failed logins then a success within 2 minutes...
        activity.filter((u, a) -> a.target().equals("login"))
                .detect(Pattern.<Activity>begin(a -> !a.ok()).times(3).then(Activity::ok).within(Duration.ofMinutes(2)))
                .to(Produced.with((u, run) -> "fraud.alerts-" + u, "SuspiciousLogin",
                        (u, run) -> Activity.json(Map.of("user", u, "failedAttempts", run.size() - 1, "successAt", run.get(run.size() - 1).atMs()))));
        // ...and many failed payments in a short window (alert once, on the third).
        activity.filter((u, a) -> a.target().startsWith("pay:") && !a.ok()).groupByKey()
                .windowedBy(Windows.tumbling(Duration.ofMinutes(10))).count().toStream()
                .filter((w, n) -> n == 3)
                .map((w, n) -> KeyValue.pair(w.key(), w.window().startMs()))
                .to(Produced.with((u, start) -> "fraud.alerts-" + u, "ManyFailedPayments",
                        (u, start) -> Activity.json(Map.of("user", u, "failedPayments", 3, "windowStart", start))));
        return b.build();
    }

    private static Activity decode(RecordedEvent e) {
        return Activity.decode(e);
    }

    private static String country(RecordedEvent e) {
        try {
            return Activity.JSON.readTree(e.data()).path("country").asText("?");
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException("cannot decode profile " + e, ex);
        }
    }

    private static Set<String> plus(Set<String> users, String user) {
        if (users.contains(user)) {
            return users;
        }
        Set<String> next = new HashSet<>(users);
        next.add(user);
        return Set.copyOf(next);
    }

    private static Set<String> union(Set<String> x, Set<String> y) {
        Set<String> next = new HashSet<>(x);
        next.addAll(y);
        return Set.copyOf(next);
    }
}
