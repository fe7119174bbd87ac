package io.tributary.streams;

import static io.tributary.streams.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternTest {
    @TempDir
    Path dir;

    private static TopologyTestDriver driver() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("login", e -> e.dataAsString()).withTimestamps((e, v) -> e.timestamp().toEpochMilli()))
                .detect(Pattern.<String>begin("fail"::equals).times(3).then("ok"::equals).within(Duration.ofMinutes(2)))
                .to(Produced.with((k, v) -> "alert-" + k, "SuspiciousLogin", (k, v) -> Fixtures.utf8(String.join(",", v))));
        return new TopologyTestDriver(b.build());
    }

    private static void login(TopologyTestDriver d, String user, String result, long seconds) {
        d.pipe("login-" + user, "Login", result, at(seconds * 1000));
    }

    @Test
    void threeFailuresThenASuccessWithinTwoMinutesRaiseOneAlert() {
        try (TopologyTestDriver d = driver()) {
            login(d, "eve", "fail", 0);
            login(d, "eve", "fail", 10);
            login(d, "bob", "fail", 11);
            login(d, "eve", "fail", 20);
            login(d, "eve", "ok", 30);
            assertThat(d.outputs()).extracting(o -> o.stream().value() + ":" + o.dataAsString())
                    .containsExactly("alert-eve:fail,fail,fail,ok");
        }
    }

    @Test
    void theLastThreeFailuresCountAfterALongerRunAndAnInterruptedRunDoesNot() {
        try (TopologyTestDriver d = driver()) {
            for (int i = 0; i < 5; i++) {
                login(d, "eve", "fail", i);
            }
            login(d, "eve", "ok", 6);
            login(d, "ann", "fail", 0);
            login(d, "ann", "fail", 1);
            login(d, "ann", "ok", 2);
            login(d, "ann", "fail", 3);
            login(d, "ann", "ok", 4);
            assertThat(d.outputs()).extracting(o -> o.stream().value()).isEqualTo(List.of("alert-eve"));
        }
    }

    @Test
    void aSequenceSpreadOverMoreThanTheWindowDoesNotMatch() {
        try (TopologyTestDriver d = driver()) {
            login(d, "eve", "fail", 0);
            login(d, "eve", "fail", 60);
            login(d, "eve", "fail", 100);
            login(d, "eve", "ok", 121);
            assertThat(d.outputs()).isEmpty();
        }
    }

    private static Topology storedPattern(Materialized<String, String> materialized) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("login", e -> e.dataAsString()).withTimestamps((e, v) -> e.timestamp().toEpochMilli()))
                .detect(Pattern.<String>begin("fail"::equals).times(3).then("ok"::equals).within(Duration.ofMinutes(2)), materialized)
                .to(Produced.with((k, v) -> "alert-" + k, "SuspiciousLogin", (k, v) -> Fixtures.utf8(String.join(",", v))));
        return b.build();
    }

    @Test
    void partialMatchesOnRocksDbStateGiveTheHeapAlertsAcrossRestarts() {
        StateEquivalence.Log log = new StateEquivalence.Log();
        SplittableRandom random = new SplittableRandom(5);
        long t = 0;
        for (int i = 0; i < 5_000; i++) {
            t += random.nextInt(4_000);
            log.add("login-u" + random.nextInt(20), "Login", random.nextInt(4) == 0 ? "ok" : "fail", at(t));
        }
        Materialized<String, String> serdes = Materialized.<String, String>as("logins").withSerdes(Serdes.string(), Serdes.string());
        List<String> heap = StateEquivalence.onHeap(() -> storedPattern(serdes), log.events(), at(t));
        List<String> rocks = StateEquivalence.onRocksDb(() -> storedPattern(serdes), log.events(), at(t), dir, 23,
                List.of(700, 701, 2_500, 4_444));
        assertThat(heap).hasSizeGreaterThan(20).isEqualTo(rocks);
    }

    @Test
    void aPatternWithoutSerdesIsRefusedOnRocksDbStateNamingItsStore() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TopologyTestDriver(storedPattern(Materialized.as("logins")), "p",
                        StateBackend.rocksDb(dir), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'logins'").hasMessageContaining("Materialized.with");
    }
}
