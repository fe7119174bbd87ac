package io.tributary.streams;

import static io.tributary.streams.Fixtures.T0;
import static io.tributary.streams.Fixtures.at;
import static io.tributary.streams.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.RecordedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table semantics: deletes (tombstones) through queries, views, joins and regrouped aggregations,
 * on heap and RocksDB state; projection tables; bad input.
 */
class TablesTest {
    @TempDir
    Path dir;

    /** Users: {@code user-<id>} events {@code Saved} (data: the country) and {@code Deleted}, as a projection table. */
    static KTable<String, String> users(StreamsBuilder b) {
        return countries(b, "user", "users");
    }

    static KTable<String, String> countries(StreamsBuilder b, String category, String store) {
        return b.table(Consumed.category(category, e -> e), (RecordedEvent e, TableUpdates<String, String> t) -> {
            if (e.type().equals("Deleted")) {
                t.delete(e.stream().id());
            } else {
                t.upsert(e.stream().id(), e.dataAsString());
            }
        }, Materialized.<String, String>as(store).withSerdes(Serdes.string(), Serdes.string()));
    }

    /** A sink of a changelog as {@code key=value}, {@code key=-} for a delete. */
    static <V> Produced<String, Optional<V>> changelog(String stream) {
        return Produced.with((k, v) -> stream, "Change", (k, v) -> utf8(k + "=" + v.map(String::valueOf).orElse("-")));
    }

    static List<String> data(TopologyTestDriver d, String stream) {
        return d.outputs(stream).stream().map(OutputEvent::dataAsString).toList();
    }

    TopologyTestDriver driver(StreamsBuilder b, String backend) {
        return backend.equals("heap") ? new TopologyTestDriver(b.build())
                // commit every 2 events: reads see both committed and uncommitted changes
                : new TopologyTestDriver(b.build(), "test", StateBackend.rocksDb(dir.resolve("state")), 2);
    }

    @Nested
    class Deletes {
        @ParameterizedTest
        @ValueSource(strings = {"heap", "rocksdb"})
        void aDeletedKeyIsGoneFromQueriesAndItsDeleteIsInTheChangelogButNotInTheStream(String backend) {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> users = users(b);
            users.toStream().to(Produced.with((k, v) -> "upserts", "U", (k, v) -> utf8(k + "=" + v)));
            users.toChangelog().to(changelog("changes"));
            KTable<String, Integer> lengths = users.mapValues(String::length);
            lengths.toChangelog().to(changelog("lengths"));
            try (TopologyTestDriver d = driver(b, backend)) {
                d.pipe("user-ann", "Saved", "FR", T0);
                d.pipe("user-bob", "Saved", "DE", T0);
                d.pipe("user-ann", "Deleted", "", T0);
                d.pipe("user-zed", "Deleted", "", T0);   // never existed: nothing happens
                assertThat(d.query("users", "ann")).isEmpty();
                assertThat(d.query("users", "bob")).contains("DE");
                assertThat(d.query(lengths.storeName(), "ann")).isEmpty();
                assertThat(d.query(lengths.storeName(), "bob")).contains(2);
                assertThat(data(d, "upserts")).containsExactly("ann=FR", "bob=DE");
                assertThat(data(d, "changes")).containsExactly("ann=FR", "bob=DE", "ann=-");
                assertThat(data(d, "lengths")).containsExactly("ann=2", "bob=2", "ann=-");
                d.pipe("user-ann", "Saved", "IT", T0);   // a deleted key can come back
                assertThat(d.query("users", "ann")).contains("IT");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"heap", "rocksdb"})
        void aRowThatStopsMatchingAFilterIsDeletedFromIt(String backend) {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> users = users(b);
            KTable<String, String> french = users.filter((k, c) -> c.equals("FR"));
            KTable<String, String> notFrench = users.filterNot((k, c) -> c.equals("FR"));
            french.toChangelog().to(changelog("fr"));
            notFrench.toChangelog().to(changelog("other"));
            try (TopologyTestDriver d = driver(b, backend)) {
                d.pipe("user-ann", "Saved", "FR", T0);
                d.pipe("user-bob", "Saved", "DE", T0);   // never French: nothing in "fr"
                d.pipe("user-ann", "Saved", "DE", T0);   // stops matching: a delete
                d.pipe("user-bob", "Saved", "FR", T0);
                d.pipe("user-bob", "Deleted", "", T0);
                assertThat(data(d, "fr")).containsExactly("ann=FR", "ann=-", "bob=FR", "bob=-");
                assertThat(data(d, "other")).containsExactly("bob=DE", "ann=DE", "bob=-");
                assertThat(d.query(french.storeName(), "ann")).isEmpty();
                assertThat(d.query(notFrench.storeName(), "ann")).contains("DE");
            }
        }

        @Test
        void viewsJoinsAndRegroupedTablesAnswerQueriesByKeyText() {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> users = users(b);
            KTable<String, String> french = users.filter((k, c) -> c.equals("FR"));
            KTable<String, Integer> lengths = users.mapValues(String::length);
            KTable<String, String> joined = users.join(lengths, (c, n) -> c + n);
            KTable<String, Long> perCountry = users.groupBy((id, c) -> KeyValue.pair(c, id)).count();
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("user-ann", "Saved", "FR", T0);
                d.pipe("user-bob", "Saved", "DE", T0);
                assertThat(d.queryByText(french.storeName(), "ann")).contains("FR");
                assertThat(d.queryByText(french.storeName(), "bob")).isEmpty();
                assertThat(d.queryByText(lengths.storeName(), "bob")).contains(2);
                assertThat(d.queryByText(joined.storeName(), "bob")).contains("DE2");
                assertThat(d.queryByText(perCountry.storeName(), "FR")).contains(1L);
                d.pipe("user-bob", "Deleted", "", T0);
                assertThat(d.queryByText(joined.storeName(), "bob")).isEmpty();
                assertThat(d.queryByText(perCountry.storeName(), "DE")).isEmpty();
            }
        }
    }

    @Nested
    class Joins {
        @ParameterizedTest
        @ValueSource(strings = {"heap", "rocksdb"})
        void tableTableJoinsFollowDeletesOfEitherSide(String backend) {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> names = countries(b, "name", "names");
            KTable<String, String> cities = countries(b, "city", "cities");
            KTable<String, String> inner = names.join(cities, (n, c) -> n + "/" + c);
            KTable<String, String> left = names.leftJoin(cities, (n, c) -> n + "/" + c.orElse("?"));
            KTable<String, String> outer = names.outerJoin(cities, (Optional<String> n, Optional<String> c) -> n.orElse("?") + "/" + c.orElse("?"));
            inner.toChangelog().to(changelog("inner"));
            left.toChangelog().to(changelog("left"));
            outer.toChangelog().to(changelog("outer"));
            try (TopologyTestDriver d = driver(b, backend)) {
                d.pipe("name-1", "Saved", "Ann", T0);
                d.pipe("city-1", "Saved", "Oslo", T0);
                d.pipe("city-1", "Deleted", "", T0);   // right side gone
                d.pipe("city-1", "Saved", "Rome", T0);
                d.pipe("name-1", "Deleted", "", T0);   // left side gone
                d.pipe("city-1", "Deleted", "", T0);   // both gone
                assertThat(data(d, "inner")).containsExactly("1=Ann/Oslo", "1=-", "1=Ann/Rome", "1=-");
                assertThat(data(d, "left")).containsExactly("1=Ann/?", "1=Ann/Oslo", "1=Ann/?", "1=Ann/Rome", "1=-");
                assertThat(data(d, "outer")).containsExactly("1=Ann/?", "1=Ann/Oslo", "1=Ann/?", "1=Ann/Rome", "1=?/Rome", "1=-");
                assertThat(d.query(outer.storeName(), "1")).isEmpty();
                d.pipe("city-2", "Saved", "Bergen", T0);
                assertThat(d.query(outer.storeName(), "2")).contains("?/Bergen");
                assertThat(d.query(left.storeName(), "2")).isEmpty();
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"heap", "rocksdb"})
        void aStreamRecordNoLongerMatchesADeletedKey(String backend) {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> users = users(b);
            KStream<String, String> clicks = b.stream(Consumed.category("click", e -> e.dataAsString()));
            clicks.join(users, (c, u) -> c + "@" + u).to(Produced.with((k, v) -> "inner", "I", (k, v) -> utf8(v)));
            clicks.leftJoin(users, (c, u) -> c + "@" + u.orElse("?")).to(Produced.with((k, v) -> "left", "L", (k, v) -> utf8(v)));
            try (TopologyTestDriver d = driver(b, backend)) {
                d.pipe("user-ann", "Saved", "FR", at(0));
                d.pipe("click-ann", "E", "home", at(0));
                d.pipe("user-ann", "Deleted", "", at(0));
                d.pipe("click-ann", "E", "cart", at(0));
                assertThat(data(d, "inner")).containsExactly("home@FR");
                assertThat(data(d, "left")).containsExactly("home@FR", "cart@?");
            }
        }
    }

    @Nested
    class GroupBy {
        @ParameterizedTest
        @ValueSource(strings = {"heap", "rocksdb"})
        void countOfUsersPerCountryFollowsMovesAndDeletes(String backend) {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, Long> perCountry = users(b)
                    .groupBy((id, country) -> KeyValue.pair(country, id), Grouped.with(Serdes.string(), Serdes.string()))
                    .count(Materialized.as("perCountry"));
            perCountry.toChangelog().to(changelog("counts"));
            try (TopologyTestDriver d = driver(b, backend)) {
                d.pipe("user-ann", "Saved", "FR", T0);
                d.pipe("user-bob", "Saved", "FR", T0);
                d.pipe("user-cid", "Saved", "DE", T0);
                d.pipe("user-ann", "Saved", "DE", T0);   // moves: FR -1, DE +1
                d.pipe("user-bob", "Deleted", "", T0);   // FR's last user: FR is gone
                d.pipe("user-cid", "Saved", "DE", T0);   // same group: -1 then +1
                assertThat(d.query("perCountry", "FR")).isEmpty();
                assertThat(d.query("perCountry", "DE")).contains(2L);
                assertThat(data(d, "counts")).containsExactly("FR=1", "FR=2", "DE=1", "FR=1", "DE=2", "FR=-", "DE=1", "DE=2");
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"heap", "rocksdb"})
        void aggregateAndReduceSubtractTheOldValueAndAddTheNewOne(String backend) {
            StreamsBuilder b = new StreamsBuilder();
            // Accounts: balance per account (data "owner:amount"); totals per owner.
            KTable<String, String> accounts = countries(b, "account", "accounts");
            KGroupedTable<String, Long> byOwner = accounts.groupBy((id, v) -> KeyValue.pair(v.split(":")[0], Long.parseLong(v.split(":")[1])),
                    Grouped.with(Serdes.string(), Serdes.longs()));
            KTable<String, Long> reduced = byOwner.reduce(Long::sum, (a, v) -> a - v, Materialized.as("reduced"));
            KTable<String, String> listed = byOwner.aggregate(() -> "", (owner, v, agg) -> agg + "+" + v, (owner, v, agg) -> agg + "-" + v,
                    Materialized.<String, String>as("listed").withSerdes(Serdes.string(), Serdes.string()));
            try (TopologyTestDriver d = driver(b, backend)) {
                d.pipe("account-1", "Saved", "ann:10", T0);
                d.pipe("account-2", "Saved", "ann:5", T0);
                d.pipe("account-3", "Saved", "bob:7", T0);
                d.pipe("account-1", "Saved", "ann:12", T0);
                d.pipe("account-3", "Saved", "ann:7", T0);   // bob's only account moves to ann
                d.pipe("account-2", "Deleted", "", T0);
                assertThat(d.query("reduced", "ann")).contains(19L);
                assertThat(d.query("reduced", "bob")).isEmpty();
                assertThat(d.query("listed", "ann")).contains("+10+5-10+12+7-5");
                assertThat(d.query("listed", "bob")).isEmpty();
            }
        }

        @Test
        void aRegroupedCountOfAnAggregationFollowsItsUpdates() {
            StreamsBuilder b = new StreamsBuilder();
            // Clicks per user, then how many users have each click count: the classic two-level aggregation.
            KTable<String, Long> perUser = b.stream(Consumed.category("click", e -> e.dataAsString())).groupByKey().count();
            KTable<Long, Long> histogram = perUser.groupBy((u, n) -> KeyValue.pair(n, u)).count(Materialized.as("histogram"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("click-ann", "E", "x", T0);
                d.pipe("click-bob", "E", "x", T0);
                d.pipe("click-ann", "E", "x", T0);
                assertThat(d.query("histogram", 1L)).contains(1L);
                assertThat(d.query("histogram", 2L)).contains(1L);
                d.pipe("click-bob", "E", "x", T0);
                assertThat(d.query("histogram", 1L)).isEmpty();
                assertThat(d.query("histogram", 2L)).contains(2L);
            }
        }

        @Test
        void aFilterOfAWindowedTableSendsNonMatchingUpdatesAsDeletes() {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("click", e -> e.dataAsString())).groupByKey()
                    .windowedBy(Windows.tumbling(Duration.ofSeconds(10))).count()
                    .filter((w, n) -> n >= 2).toChangelog()
                    .to(Produced.with((w, n) -> "busy", "B", (w, n) -> utf8(w.key() + "=" + n.map(String::valueOf).orElse("-"))));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("click-ann", "E", "x", at(1_000));
                d.pipe("click-ann", "E", "x", at(2_000));
                d.pipe("click-ann", "E", "x", at(3_000));
                // The first count (1) did not match and its old value is unknown: sent as a delete.
                assertThat(data(d, "busy")).containsExactly("ann=-", "ann=2", "ann=3");
            }
        }

        @Test
        void aWindowedTableCannotBeRegrouped() {
            StreamsBuilder b = new StreamsBuilder();
            KTable<Windowed<String>, Long> windowed = b.stream(Consumed.category("click", e -> e.dataAsString())).groupByKey()
                    .windowedBy(Windows.tumbling(Duration.ofSeconds(10))).count();
            assertThatThrownBy(() -> windowed.groupBy((w, n) -> KeyValue.pair(w.key(), n)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("old value");
        }
    }

    @Nested
    class BadInput {
        @Test
        void aProjectionUpsertWithANullKeyIsRefusedWithAClearMessageAndChangesNothing() {
            StreamsBuilder b = new StreamsBuilder();
            b.table(Consumed.category("user", e -> e), (RecordedEvent e, TableUpdates<String, String> t) ->
                    t.upsert(e.type().equals("Bad") ? null : e.stream().id(), e.dataAsString()), Materialized.as("users"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("user-ann", "Saved", "FR", T0);
                assertThatThrownBy(() -> d.pipe("user-bob", "Bad", "DE", T0)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("table 'users'").hasMessageContaining("null key");
                assertThat(d.query("users", "bob")).isEmpty();
                assertThat(d.query("users", "ann")).contains("FR");
            }
        }

        @Test
        void aProjectionUpsertWithANullValueIsRefusedPointingToDelete() {
            StreamsBuilder b = new StreamsBuilder();
            b.table(Consumed.category("user", e -> e), (RecordedEvent e, TableUpdates<String, String> t) ->
                    t.upsert(e.stream().id(), null), Materialized.as("users"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                assertThatThrownBy(() -> d.pipe("user-bob", "Saved", "DE", T0)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("null value").hasMessageContaining("delete(key)");
            }
        }

        @Test
        void aStreamRecordWithANullKeyIsRefusedByToTable() {
            StreamsBuilder b = new StreamsBuilder();
            b.table(Consumed.category("user", e -> e.dataAsString()).withKey(e -> e.type().equals("Bad") ? null : e.stream().id()),
                    Materialized.as("users"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                assertThatThrownBy(() -> d.pipe("user-bob", "Bad", "DE", T0)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("table 'users'").hasMessageContaining("null key");
            }
        }

        @Test
        void aGroupBySelectorReturningNullIsRefused() {
            StreamsBuilder b = new StreamsBuilder();
            users(b).groupBy((id, country) -> country.isEmpty() ? null : KeyValue.pair(country, id)).count();
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                assertThatThrownBy(() -> d.pipe("user-bob", "Saved", "", T0)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("groupBy selector").hasMessageContaining("'bob'");
            }
        }
    }

    @Test
    void deleteAllDeletesEveryKeyInKeyOrder() {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, String> t = b.table(Consumed.category("user", e -> e), (RecordedEvent e, TableUpdates<String, String> u) -> {
            if (e.type().equals("Clear")) {
                u.deleteAll();
            } else {
                u.upsert(e.stream().id(), e.dataAsString());
            }
        }, Materialized.as("users"));
        t.toChangelog().to(changelog("changes"));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            d.pipe("user-c", "Saved", "3", T0);
            d.pipe("user-a", "Saved", "1", T0);
            d.pipe("user-b", "Saved", "2", T0);
            d.pipe("user", "Clear", "", T0);
            assertThat(data(d, "changes")).containsExactly("c=3", "a=1", "b=2", "a=-", "b=-", "c=-");
            assertThat(d.query("users", "a")).isEmpty();
        }
    }
}
