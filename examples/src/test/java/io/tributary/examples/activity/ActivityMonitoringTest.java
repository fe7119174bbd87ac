package io.tributary.examples.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.streams.OutputEvent;
import io.tributary.streams.TopologyTestDriver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityMonitoringTest {
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a minute boundary

    private static void act(TopologyTestDriver d, String type, String user, String target, boolean ok, long offsetMs) {
        Activity a = new Activity(user, target, ok, T0 + offsetMs);
        d.pipe("activity-" + user, type, Activity.json(a), Instant.ofEpochMilli(T0 + offsetMs));
    }

    private static List<String> data(TopologyTestDriver d, String stream) {
        return d.outputs(stream).stream().map(OutputEvent::dataAsString).toList();
    }

    @Test
    void countsViewsAndClicksPerUserPerMinuteWhenTheMinuteCloses() {
        try (TopologyTestDriver d = new TopologyTestDriver(ActivityMonitoring.topology())) {
            act(d, "PageViewed", "ann", "/home", true, 1_000);
            act(d, "Clicked", "ann", "buy", true, 2_000);
            act(d, "PageViewed", "ann", "/cart", true, 59_000);
            act(d, "PageViewed", "bob", "/home", true, 100_000); // watermark 70 s: ann's first minute closes (grace 10 s)
            assertThat(data(d, "activity.perminute-ann")).singleElement().satisfies(json -> assertThat(json)
                    .contains("\"views\":2").contains("\"clicks\":1").contains("\"minuteStart\":" + T0));
        }
    }

    @Test
    void enrichesViewsWithTheUsersCountryAndKeepsALeaderboard() {
        try (TopologyTestDriver d = new TopologyTestDriver(ActivityMonitoring.topology())) {
            d.pipe("profile-ann", "ProfileUpdated", "{\"country\":\"NO\"}", Instant.ofEpochMilli(T0));
            act(d, "PageViewed", "ann", "/home", true, 1_000);
            act(d, "PageViewed", "ann", "/cart", true, 2_000);
            act(d, "PageViewed", "bob", "/cart", true, 3_000); // no profile: not in the per-country counts
            assertThat(d.query("viewsPerCountry", "NO")).contains(2L);
            assertThat(((Leaderboard) d.query("leaderboard", "all").orElseThrow()).top(2)).containsExactly("/cart=2", "/home=1");
        }
    }

    @Test
    void raisesAFraudAlertForThreeFailedLoginsThenASuccessAndForManyFailedPayments() {
        try (TopologyTestDriver d = new TopologyTestDriver(ActivityMonitoring.topology())) {
            for (int i = 0; i < 3; i++) {
                act(d, "LoginAttempted", "eve", "login", false, i * 10_000);
            }
            act(d, "LoginAttempted", "eve", "login", true, 40_000);
            for (int i = 0; i < 4; i++) {
                act(d, "PaymentAttempted", "mal", "pay:card", false, 50_000 + i * 1_000);
            }
            assertThat(d.outputs("fraud.alerts-eve")).extracting(o -> o.event().type()).containsExactly("SuspiciousLogin");
            assertThat(d.outputs("fraud.alerts-mal")).extracting(o -> o.event().type()).containsExactly("ManyFailedPayments");
        }
    }

    @Test
    void reportsActiveUsersOverFiveMinutesAndSessions() {
        try (TopologyTestDriver d = new TopologyTestDriver(ActivityMonitoring.topology())) {
            act(d, "PageViewed", "ann", "/home", true, 0);
            act(d, "PageViewed", "bob", "/home", true, 30_000);
            d.advanceWatermark(Instant.ofEpochMilli(T0 + 3 * 3_600_000L));
            assertThat(data(d, "activity.active")).anySatisfy(json -> assertThat(json).contains("\"users\":2"));
            assertThat(new String(d.outputs("activity.session-ann").get(0).event().data(), StandardCharsets.UTF_8)).contains("\"activities\":1");
        }
    }
}
