package io.tributary.examples.personalization;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.streams.OutputEvent;
import io.tributary.streams.TopologyTestDriver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PersonalizationTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final long MIN = 60_000;

    private static void shop(TopologyTestDriver d, String user, boolean purchase, String product, long offsetMs) {
        Shopping s = new Shopping(purchase, product, T0 + offsetMs);
        d.pipe("shopper-" + user, purchase ? Shopping.PURCHASED : Shopping.VIEWED,
                Shopping.json(Map.of("product", product, "atMs", T0 + offsetMs)), Instant.ofEpochMilli(T0 + offsetMs));
        assertThat(s.product()).isEqualTo(product);
    }

    private static void assign(TopologyTestDriver d, String user, String variant) {
        d.pipe("abtest-" + user, "VariantAssigned", "{\"experiment\":\"x\",\"variant\":\"" + variant + "\"}", Instant.ofEpochMilli(T0));
    }

    private static List<String> data(TopologyTestDriver d, String stream) {
        return d.outputs(stream).stream().map(OutputEvent::dataAsString).toList();
    }

    @Test
    void recommendsWhatClosedSessionsViewedTogether() {
        try (TopologyTestDriver d = new TopologyTestDriver(Personalization.topology())) {
            shop(d, "ann", false, "tent", 0);
            shop(d, "ann", false, "stove", MIN);
            shop(d, "ann", false, "tent", 2 * MIN); // the same product twice in a session counts once
            shop(d, "bob", false, "tent", 5 * MIN);
            shop(d, "bob", false, "lantern", 6 * MIN);
            shop(d, "bob", false, "stove", 7 * MIN);
            assertThat(d.outputs()).isEmpty(); // sessions still open
            // Carl, much later: the watermark passes both sessions' end + gap, so they close; his own stays open.
            shop(d, "carl", false, "tent", 60 * MIN);
            shop(d, "carl", false, "desk", 61 * MIN);

            AlsoViewed tent = (AlsoViewed) d.query("alsoViewed", "tent").orElseThrow();
            assertThat(tent.sessions()).isEqualTo(Map.of("stove", 2L, "lantern", 1L));
            assertThat(tent.top(3)).containsExactly("stove", "lantern");
            assertThat(d.query("alsoViewed", "desk")).isEmpty();
            assertThat(data(d, "recommendations-tent")).last().asString()
                    .contains("\"product\":\"tent\"").contains("\"alsoViewed\":[\"stove\",\"lantern\"]");
            assertThat(data(d, "recommendations-lantern")).last().asString().contains("[\"stove\",\"tent\"]");
        }
    }

    @Test
    void reportsDistinctBuyersPerVariantLive() {
        try (TopologyTestDriver d = new TopologyTestDriver(Personalization.topology())) {
            assign(d, "ann", "A");
            assign(d, "bob", "B");
            assign(d, "cy", "B");
            shop(d, "ann", true, "tent", MIN);
            shop(d, "ann", true, "stove", 2 * MIN); // a second purchase: still one buyer
            shop(d, "bob", true, "pan", 3 * MIN);
            shop(d, "dee", true, "pan", 4 * MIN); // never assigned: not in the experiment

            assertThat(d.query("assigned", "B")).contains(2L);
            assertThat(d.query("buyers", "A")).contains(1L);
            assertThat(d.query("buyers", "B")).contains(1L);
            assertThat(data(d, "abtest.results-A")).last().asString()
                    .contains("\"users\":1").contains("\"buyers\":1").contains("\"conversionRate\":1.0");
            assertThat(data(d, "abtest.results-B")).last().asString()
                    .contains("\"users\":2").contains("\"buyers\":1").contains("\"conversionRate\":0.5");
        }
    }

    @Test
    void aVariantWithoutTheFieldIsAClearError() {
        try (TopologyTestDriver d = new TopologyTestDriver(Personalization.topology())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            d.pipe("abtest-ann", "VariantAssigned", "{\"experiment\":\"x\"}", Instant.ofEpochMilli(T0)))
                    .hasStackTraceContaining("VariantAssigned without a variant");
        }
    }
}
