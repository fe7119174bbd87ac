package io.tributary.streams.internal;

import io.tributary.streams.Materialized;
import io.tributary.streams.Pattern;
import io.tributary.streams.Serde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Sequence detection per key with strict contiguity: the partial match is the longest run of the
 * key's latest records that matches the pattern's first steps within its time window; when it
 * matches all steps, the records are emitted and the key starts over. Partial matches (at most one
 * per key, shorter than the pattern) are a store of the task's state, so on RocksDB state they are
 * committed with the input position.
 */
final class PatternOp<K, V> implements Processor<K, V> {
    /** A record of a partial match. */
    record Timed<V>(long ts, V value) {
    }

    private final Pattern<V> pattern;
    private final Processor<K, List<V>> down;
    private final KvStore<K, List<Timed<V>>> partial;

    PatternOp(Task task, String name, Pattern<V> pattern, Materialized<K, V> materialized, Processor<K, List<V>> down) {
        this.pattern = pattern;
        this.down = down;
        if (task.state().durable() && (materialized.keySerde().isEmpty() || materialized.valueSerde().isEmpty())) {
            throw new IllegalStateException("the pattern '" + name + "' needs a key and a value serde for RocksDB state"
                    + " (its partial matches are stored): give them with detect(pattern, Materialized.with(...))");
        }
        this.partial = task.state().keyValue(name, materialized.keySerde(), materialized.valueSerde().map(PatternOp::listSerde));
    }

    @Override
    public void process(K key, V value, long ts) {
        List<Timed<V>> before = partial.get(key);
        List<Timed<V>> run = new ArrayList<>(before == null ? 1 : before.size() + 1);
        if (before != null) {
            run.addAll(before);
        }
        run.add(new Timed<>(ts, value));
        List<Predicate<? super V>> steps = pattern.steps();
        for (int start = 0; start < run.size(); start++) {
            if (matches(run, start, steps)) {
                List<Timed<V>> rest = run.subList(start, run.size());
                if (rest.size() == steps.size()) {
                    if (before != null) {
                        partial.delete(key);
                    }
                    List<V> values = new ArrayList<>(rest.size());
                    for (Timed<V> t : rest) {
                        values.add(t.value());
                    }
                    down.process(key, List.copyOf(values), ts);
                } else {
                    partial.put(key, List.copyOf(rest));
                }
                return;
            }
        }
        if (before != null) {
            partial.delete(key);
        }
    }

    private boolean matches(List<Timed<V>> run, int start, List<Predicate<? super V>> steps) {
        if (run.size() - start > steps.size()) {
            return false;
        }
        long first = run.get(start).ts();
        for (int i = start; i < run.size(); i++) {
            Timed<V> t = run.get(i);
            if (!steps.get(i - start).test(t.value()) || Math.abs(t.ts() - first) > pattern.withinMs()) {
                return false;
            }
        }
        return true;
    }

    /** A partial match: count, then per record time, value length and value. */
    private static <V> Serde<List<Timed<V>>> listSerde(Serde<V> values) {
        return new Serde<>() {
            @Override
            public byte[] serialize(List<Timed<V>> list) {
                byte[][] parts = new byte[list.size()][];
                int total = 4;
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = values.serialize(list.get(i).value());
                    total += 12 + parts[i].length;
                }
                ByteBuffer buf = ByteBuffer.allocate(total).putInt(parts.length);
                for (int i = 0; i < parts.length; i++) {
                    buf.putLong(list.get(i).ts()).putInt(parts[i].length).put(parts[i]);
                }
                return buf.array();
            }

            @Override
            public List<Timed<V>> deserialize(byte[] bytes) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                int n = buf.getInt();
                List<Timed<V>> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long ts = buf.getLong();
                    byte[] b = new byte[buf.getInt()];
                    buf.get(b);
                    out.add(new Timed<>(ts, values.deserialize(b)));
                }
                return List.copyOf(out);
            }
        };
    }
}
