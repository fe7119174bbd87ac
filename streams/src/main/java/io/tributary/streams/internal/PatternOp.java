package io.tributary.streams.internal;

import io.tributary.streams.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sequence detection per key with strict contiguity: the partial match is the longest run of the
 * key's latest records that matches the pattern's first steps within its time window; when it
 * matches all steps, the records are emitted and the key starts over. Partial matches are heap
 * state (see the module README).
 */
final class PatternOp<K, V> implements Processor<K, V> {
    private final Pattern<V> pattern;
    private final Processor<K, List<V>> down;
    private final Map<K, List<long[]>> times = new HashMap<>();
    private final Map<K, List<V>> partial = new HashMap<>();

    PatternOp(Pattern<V> pattern, Processor<K, List<V>> down) {
        this.pattern = pattern;
        this.down = down;
    }

    @Override
    public void process(K key, V value, long ts) {
        List<V> vs = new ArrayList<>(partial.getOrDefault(key, List.of()));
        List<long[]> ts0 = new ArrayList<>(times.getOrDefault(key, List.of()));
        vs.add(value);
        ts0.add(new long[] {ts});
        List<Predicate<? super V>> steps = pattern.steps();
        for (int start = 0; start < vs.size(); start++) {
            if (matches(vs, ts0, start, steps)) {
                List<V> run = List.copyOf(vs.subList(start, vs.size()));
                if (run.size() == steps.size()) {
                    partial.remove(key);
                    times.remove(key);
                    down.process(key, run, ts);
                } else {
                    partial.put(key, run);
                    times.put(key, List.copyOf(ts0.subList(start, ts0.size())));
                }
                return;
            }
        }
        partial.remove(key);
        times.remove(key);
    }

    private boolean matches(List<V> vs, List<long[]> ts, int start, List<Predicate<? super V>> steps) {
        if (vs.size() - start > steps.size()) {
            return false;
        }
        long first = ts.get(start)[0];
        for (int i = start; i < vs.size(); i++) {
            if (!steps.get(i - start).test(vs.get(i)) || Math.abs(ts.get(i)[0] - first) > pattern.withinMs()) {
                return false;
            }
        }
        return true;
    }
}
