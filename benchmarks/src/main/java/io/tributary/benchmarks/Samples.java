package io.tributary.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-run values of named figures, for medians and the "runs" column. */
final class Samples {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    /** Records one run's value of {@code name}. */
    void add(String name, double value) {
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** Records {@code key} of a child result as {@code name}, NaN when absent. */
    void add(String name, ChildJvm.Result result, String key) {
        add(name, result.number(key, Double.NaN));
    }

    /** The values of {@code name}, empty when never recorded. */
    List<Double> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** The median of {@code name}, NaN when never recorded. */
    double median(String name) {
        return Stats.median(all(name));
    }

    /** The median of the per-run ratios {@code numerator/denominator} (paired by run). */
    double medianRatio(String numerator, String denominator) {
        return Stats.median(ratios(numerator, denominator));
    }

    /** The per-run ratios, for the "runs" column. */
    List<Double> ratios(String numerator, String denominator) {
        List<Double> n = all(numerator);
        List<Double> d = all(denominator);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(n.size(), d.size()); i++) {
            ratios.add(n.get(i) / d.get(i));
        }
        return ratios;
    }
}
