package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdTableTest {
    private record Entry(long hash, long position) {
    }

    /**
     * Against a list of entries: every position of a hash is found newest first, the sorted form
     * is ordered by signed hash then position, a truncation forgets exactly the positions at and
     * after it, and the filter never says "no" for a recorded hash — for tables that start small
     * and grow, with colliding hashes.
     */
    @Property(tries = 60)
    void answersLikeAListOfItsEntries(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5_000) int size,
                                      @ForAll @IntRange(min = 1, max = 3_000) int expected) {
        SplittableRandom random = new SplittableRandom(seed);
        IdTable table = new IdTable(100, expected);
        List<Entry> model = new ArrayList<>();
        long position = 100;
        for (int i = 0; i < size; i++) {
            // Some hashes repeat (collisions, one id in several streams), some are 0 (stored as 1).
            long h = random.nextInt(10) == 0 && !model.isEmpty() ? model.get(random.nextInt(model.size())).hash()
                    : random.nextInt(50) == 0 ? 0 : random.nextLong();
            table.add(h, position);
            model.add(new Entry(h == 0 ? 1 : h, position)); // 0 marks nothing here, but is stored as 1
            position += 1 + random.nextInt(3);
        }
        check(table, model, random);
        long cut = 100 + random.nextLong(position - 100 + 1);
        long to = table.to();
        table.truncateFrom(cut);
        model.removeIf(e -> e.position() >= cut);
        assertThat(table.to()).isEqualTo(Math.max(99, Math.min(to, cut - 1)));
        check(table, model, random);
        // Adding goes on after a truncation.
        table.add(42, cut);
        model.add(new Entry(42, cut));
        check(table, model, random);
    }

    private static void check(IdTable table, List<Entry> model, SplittableRandom random) {
        assertThat(table.count()).isEqualTo(model.size());
        long[] hashes = new long[model.size() + 100];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = i < model.size() ? model.get(i).hash() : random.nextLong();
        }
        boolean[] maybe = new boolean[hashes.length];
        table.markMaybe(hashes, maybe);
        for (int i = 0; i < model.size(); i++) {
            assertThat(maybe[i]).as("a recorded hash is a maybe").isTrue();
        }
        for (Entry e : model) {
            List<Long> found = new ArrayList<>();
            table.find(e.hash(), p -> {
                found.add(p);
                return false;
            });
            List<Long> expected = new ArrayList<>();
            for (int i = model.size() - 1; i >= 0; i--) {
                if (model.get(i).hash() == e.hash()) {
                    expected.add(model.get(i).position());
                }
            }
            assertThat(found).as("positions of %d, newest first", e.hash()).isEqualTo(expected);
            assertThat(table.find(e.hash(), p -> p == e.position())).isEqualTo(e.position());
        }
        // 0 is asked as what it is stored as: 1.
        long newestOne = -1;
        for (int i = model.size() - 1; i >= 0 && newestOne < 0; i--) {
            newestOne = model.get(i).hash() == 1 ? model.get(i).position() : -1;
        }
        assertThat(table.find(0, p -> true)).isEqualTo(newestOne);
        boolean[] zero = new boolean[1];
        table.markMaybe(new long[] {0}, zero);
        if (newestOne >= 0) {
            assertThat(zero[0]).isTrue();
        }
        long[][] sorted = table.sorted();
        List<Entry> expected = new ArrayList<>(model);
        expected.sort(Comparator.comparingLong(Entry::hash).thenComparingLong(Entry::position));
        assertThat(sorted[0]).containsExactly(expected.stream().mapToLong(Entry::hash).toArray());
        assertThat(sorted[1]).containsExactly(expected.stream().mapToLong(Entry::position).toArray());
        long[] sum = {0};
        table.forEachHash(h -> sum[0] += h);
        assertThat(sum[0]).isEqualTo(model.stream().mapToLong(Entry::hash).sum());
    }

    @Test
    void aLargeBucketIsSortedToo() {
        // Every hash in one bucket (same high bits): the bucket grows past the insertion-sort size.
        IdTable table = new IdTable(0, 16);
        SplittableRandom random = new SplittableRandom(7);
        List<Entry> model = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            long h = (random.nextLong() >>> 8) | 0x7A00_0000_0000_0000L;
            if (i % 7 == 0 && i > 0) {
                h = model.get(random.nextInt(model.size())).hash();
            }
            table.add(h, i);
            model.add(new Entry(h, i));
        }
        check(table, model, random);
    }

    @Test
    void aHashThatWasNeverAddedIsAlmostAlwaysANo() {
        IdTable table = new IdTable(0, 100_000);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            table.add(random.nextLong(), i);
        }
        long[] others = new long[100_000];
        for (int i = 0; i < others.length; i++) {
            others[i] = random.nextLong();
        }
        boolean[] maybe = new boolean[others.length];
        table.markMaybe(others, maybe);
        int yes = 0;
        for (boolean b : maybe) {
            yes += b ? 1 : 0;
        }
        assertThat(yes / (double) others.length).as("false maybes").isLessThan(0.02);
    }
}
