package io.tributary.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians and number formatting for the report. */
final class Stats {
    private Stats() {
    }

    /** The median of {@code values}; NaN when there are none. */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Whole numbers with thousands separators: {@code 1,234,567}. */
    static String count(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    /** A number with {@code decimals} decimals. */
    static String fixed(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Bytes as MiB with one decimal. */
    static String mib(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }

    /** The per-run values, compactly, for the "runs" column. */
    static String runs(List<Double> values, int decimals) {
        String[] parts = new String[values.size()];
        for (int i = 0; i < parts.length; i++) {
            double v = values.get(i);
            parts[i] = decimals == 0 ? compact(v) : fixed(v, decimals);
        }
        return String.join(" / ", Arrays.asList(parts));
    }

    /** 1234567 as {@code 1.23M}, 12345 as {@code 12.3k}. */
    static String compact(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double abs = Math.abs(v);
        if (abs >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (abs >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
