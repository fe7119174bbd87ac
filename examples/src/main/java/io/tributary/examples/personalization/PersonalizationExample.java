package io.tributary.examples.personalization;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the personalization topology on an embedded store: simulates six hours of 200 shoppers
 * browsing a catalogue of three themes (camping, kitchen, office) in sessions, with half of them
 * in variant B of a checkout experiment that converts better; then prints each theme's "also
 * viewed" recommendations and the live A/B result. {@code args[0]}: a data directory (default: a
 * temporary one).
 */
public final class PersonalizationExample {
    /** The catalogue by theme; a session mostly stays within one theme. */
    static final Map<String, List<String>> THEMES = Map.of(
            "camping", List.of("tent", "sleeping-bag", "stove", "lantern"),
            "kitchen", List.of("pan", "knife", "kettle", "mug"),
            "office", List.of("desk", "chair", "lamp", "monitor"));

    /** Shoppers simulated; even ones are in variant A, odd ones in B. */
    static final int SHOPPERS = 200;

    /** What the run found: recommendations for a few products, and the result per variant. */
    public record Summary(Map<String, List<String>> recommendations, Map<String, VariantResult> variants, long outputEvents) {
    }

    private PersonalizationExample() {
    }

    /** Runs the example. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tributary-personalization");
        Summary s = run(dir);
        System.out.println("Also viewed (from closed browsing sessions):");
        s.recommendations().forEach((product, also) -> System.out.printf("  %-13s -> %s%n", product, also));
        System.out.println("A/B test 'checkout-button' (live):");
        s.variants().values().forEach(r -> System.out.printf("  variant %s: %d users, %d buyers, conversion %.1f%%%n",
                r.variant(), r.users(), r.buyers(), 100 * r.conversionRate()));
        System.out.println("output events appended: " + s.outputEvents()
                + " (streams recommendations-<product>, abtest.results-<variant>)");
    }

    /** Simulates the traffic into a store in {@code dir}, runs the topology to the head, and summarises. */
    public static Summary run(Path dir) throws InterruptedException {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            long last = simulate(store, 7, 1_767_225_600_000L);
            try (StreamProcessor p = StreamProcessor.start(store, Personalization.topology(), ProcessorConfig.of("personalization"))) {
                if (!p.awaitPosition(last, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the processor did not catch up: " + p.status());
                }
                Map<String, List<String>> recommendations = new LinkedHashMap<>();
                for (String product : List.of("tent", "pan", "desk")) {
                    recommendations.put(product, p.query("alsoViewed", product)
                            .map(v -> ((AlsoViewed) v).top(Personalization.TOP)).orElse(List.of()));
                }
                Map<String, VariantResult> variants = new LinkedHashMap<>();
                for (String v : List.of("A", "B")) {
                    long users = (Long) p.query("assigned", v).orElse(0L);
                    long buyers = (Long) p.query("buyers", v).orElse(0L);
                    variants.put(v, new VariantResult(v, users, buyers));
                }
                long outputs = LogReads.readAll(store, ReadFilter.categories("recommendations", "abtest.results")).size();
                return new Summary(recommendations, variants, outputs);
            }
        }
    }

    /**
     * Appends six hours of shopping from {@code startMs}: each shopper is assigned a variant first,
     * then browses in sessions of 2–5 views (mostly one theme, now and then a product of another),
     * separated by more than the session gap; a session ends in a purchase with probability 5% in
     * variant A and 12% in B. Returns the last position.
     */
    public static long simulate(EmbeddedEventStore store, long seed, long startMs) {
        Random r = new Random(seed);
        List<String> themes = List.of("camping", "kitchen", "office");
        List<CompletableFuture<?>> pending = new ArrayList<>();
        record Timed(long atMs, String user, Shopping what) {
        }
        List<Timed> traffic = new ArrayList<>();
        for (int u = 0; u < SHOPPERS; u++) {
            String user = "s" + u;
            String variant = u % 2 == 0 ? "A" : "B";
            pending.add(store.append(StreamName.of("abtest", user), ExpectedVersion.any(),
                    EventData.json("VariantAssigned", "{\"experiment\":\"checkout-button\",\"variant\":\"" + variant + "\"}")));
            long t = startMs + r.nextInt(600_000);
            while (t < startMs + 6 * 3_600_000L) {
                List<String> theme = THEMES.get(themes.get(r.nextInt(themes.size())));
                int views = 2 + r.nextInt(4);
                String last = null;
                for (int i = 0; i < views; i++) {
                    boolean stray = r.nextInt(10) == 0;
                    List<String> from = stray ? THEMES.get(themes.get(r.nextInt(themes.size()))) : theme;
                    last = from.get(r.nextInt(from.size()));
                    traffic.add(new Timed(t, user, new Shopping(false, last, t)));
                    t += 20_000 + r.nextInt(120_000);
                }
                if (r.nextDouble() < (variant.equals("A") ? 0.05 : 0.12)) {
                    traffic.add(new Timed(t, user, new Shopping(true, last, t)));
                }
                t += Personalization.SESSION_GAP.toMillis() + 60_000 + r.nextInt(3_600_000);
            }
        }
        // In event-time order, as a live site would append them (the watermark follows the newest time).
        traffic.sort(java.util.Comparator.comparingLong(Timed::atMs));
        for (Timed x : traffic) {
            pending.add(store.append(StreamName.of("shopper", x.user()), ExpectedVersion.any(), x.what().toEvent()));
        }
        pending.forEach(CompletableFuture::join);
        return store.headPosition();
    }
}
