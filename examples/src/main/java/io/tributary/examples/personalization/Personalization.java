package io.tributary.examples.personalization;

import io.tributary.core.RecordedEvent;
import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.Produced;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.Windows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The personalization topology. Inputs: category {@code shopper} ({@link Shopping} events, one
 * stream per user) and category {@code abtest} ({@code VariantAssigned}, data
 * {@code {"variant": "A"}}, one stream per user, assigned once before the user's first purchase).
 * Outputs, appended to the log:
 * <ul>
 *   <li>{@code recommendations-<product>} {@code AlsoViewedChanged}: the products most often viewed in
 *       the same browsing session as this one (a session ends after 30 minutes without a view), each
 *       time a closed session changes them;</li>
 *   <li>{@code abtest.results-<variant>} {@code VariantResultChanged}: users assigned to the variant,
 *       distinct buyers among them, conversion rate — live, on every change.</li>
 * </ul>
 * Queryable stores: {@code alsoViewed} (product → {@link AlsoViewed}), {@code assigned} and
 * {@code buyers} (variant → distinct users), {@code variants} (user → variant).
 */
public final class Personalization {
    /** A browsing session ends after this long without a view. */
    public static final Duration SESSION_GAP = Duration.ofMinutes(30);
    /** How far behind the newest event a shopping event may arrive. */
    public static final Duration OUT_OF_ORDER = Duration.ofSeconds(30);
    /** How many recommendations each product keeps in its output event. */
    public static final int TOP = 3;

    private record Buyer(String variant, String user) {
    }

    private Personalization() {
    }

    /** The topology. */
    public static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Shopping> shopping = b.stream(Consumed.category("shopper", Shopping::decode)
                .withEventTypes(Shopping.VIEWED, Shopping.PURCHASED)
                .withTimestamps((e, s) -> s.atMs()).withMaxOutOfOrderness(OUT_OF_ORDER));

        // "Also viewed": the products of each closed browsing session, as pairs, counted per product.
        shopping.filter((user, s) -> !s.purchase()).groupByKey()
                .windowedBy(Windows.session(SESSION_GAP)).emit(Emit.ON_WINDOW_CLOSE)
                .aggregate(Set::<String>of, (user, s, products) -> plus(products, s.product()),
                        (user, x, y) -> union(x, y), Materialized.as("sessionProducts"))
                .toStream()
                .flatMap((session, products) -> pairs(products))
                .groupByKey()
                .aggregate(AlsoViewed::empty, (product, other, seen) -> seen.plus(other), Materialized.as("alsoViewed"))
                .toStream()
                .to(Produced.with((product, seen) -> "recommendations-" + product, "AlsoViewedChanged",
                        (product, seen) -> Shopping.json(Map.of("product", product, "alsoViewed", seen.top(TOP)))));

        // A/B test: users assigned per variant, and distinct buyers among them.
        Consumed<String, String> assignments = Consumed.category("abtest", Personalization::variant)
                .withEventTypes("VariantAssigned").withoutWatermark();
        KTable<String, String> variants = b.table(assignments, Materialized.as("variants"));
        KTable<String, Long> assigned = b.stream(assignments)
                .map((user, variant) -> KeyValue.pair(variant, user))
                .groupByKey().distinctCount(user -> user, Materialized.as("assigned"));
        KTable<String, Long> buyers = shopping.filter((user, s) -> s.purchase())
                .map((user, s) -> KeyValue.pair(user, user))
                .join(variants, (user, variant) -> new Buyer(variant, user))
                .groupBy((user, buyer) -> buyer.variant())
                .distinctCount(Buyer::user, Materialized.as("buyers"));
        assigned.leftJoin(buyers, (users, bought) -> new long[] {users, bought.orElse(0L)})
                .toStream()
                .map((variant, c) -> KeyValue.pair(variant, new VariantResult(variant, c[0], c[1])))
                .to(Produced.with((variant, r) -> "abtest.results-" + variant, "VariantResultChanged",
                        (variant, r) -> Shopping.json(Map.of("variant", variant, "users", r.users(), "buyers", r.buyers(),
                                "conversionRate", Math.round(r.conversionRate() * 10_000) / 10_000.0))));
        return b.build();
    }

    private static String variant(RecordedEvent e) {
        try {
            String v = Shopping.JSON.readTree(e.data()).path("variant").asText("");
            if (v.isEmpty()) {
                throw new IllegalArgumentException("VariantAssigned without a variant: " + e);
            }
            return v;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot decode assignment " + e, ex);
        }
    }

    /** Every ordered pair of distinct products of a session: (a, b) means "a's viewers also viewed b". */
    private static List<KeyValue<String, String>> pairs(Set<String> products) {
        // In name order, so a replay after a restart appends the same outputs in the same order.
        List<String> sorted = new ArrayList<>(new TreeSet<>(products));
        List<KeyValue<String, String>> out = new ArrayList<>();
        for (String a : sorted) {
            for (String other : sorted) {
                if (!a.equals(other)) {
                    out.add(KeyValue.pair(a, other));
                }
            }
        }
        return out;
    }

    private static Set<String> plus(Set<String> products, String product) {
        if (products.contains(product)) {
            return products;
        }
        Set<String> next = new HashSet<>(products);
        next.add(product);
        return Collections.unmodifiableSet(next);
    }

    private static Set<String> union(Set<String> x, Set<String> y) {
        Set<String> next = new HashSet<>(x);
        next.addAll(y);
        return Collections.unmodifiableSet(next);
    }
}
