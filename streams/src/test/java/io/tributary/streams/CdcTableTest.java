package io.tributary.streams;

import static io.tributary.streams.Fixtures.T0;
import static io.tributary.streams.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tables from CDC envelopes as the capture writes them (stream {@code <table>-<key>}, types
 * {@code cdc.*}, Debezium-compatible data). The envelopes below are copied from the capture's
 * output for a PostgreSQL table; {@code CdcTableIT} in {@code examples} runs the real capture.
 */
class CdcTableTest {
    @TempDir
    Path dir;

    static String envelope(String op, String before, String after, String extra) {
        return "{\"before\":" + before + ",\"after\":" + after + ",\"op\":\"" + op + "\","
                + "\"source\":{\"version\":\"tributary-0.1\",\"connector\":\"postgresql\",\"name\":\"shop\",\"db\":\"shop\","
                + "\"schema\":\"public\",\"table\":\"users\",\"lsn\":24023128,\"txId\":743,\"snapshot\":\"false\",\"ts_ms\":1732780800123},"
                + "\"ts_ms\":1732780800125,\"transaction\":{\"id\":\"743:24023128\",\"total_order\":1,\"data_collection_order\":1}"
                + extra + "}";
    }

    static void change(TopologyTestDriver d, String stream, String type, String op, String before, String after, String extra) {
        d.pipe(stream, type, envelope(op, before, after, extra), T0);
    }

    TopologyTestDriver driver(StreamsBuilder b, String backend) {
        return backend.equals("heap") ? new TopologyTestDriver(b.build())
                : new TopologyTestDriver(b.build(), "test", StateBackend.rocksDb(dir.resolve("state")), 1);
    }

    static String row(TopologyTestDriver d, String store, String key) {
        return d.query(store, key).map(String::valueOf).orElse("-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void createsReadsUpdatesDeletesAndTruncatesBecomeTheTablesRows(String backend) {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, JsonNode> users = b.cdcTable("users");
        users.toChangelog().to(Produced.with((k, v) -> "changes", "C", (k, v) -> utf8(k + "=" + v.map(String::valueOf).orElse("-"))));
        try (TopologyTestDriver d = driver(b, backend)) {
            change(d, "users-1", "cdc.read", "r", "null", "{\"id\":1,\"email\":\"a@x\"}", "");
            change(d, "users-2", "cdc.create", "c", "null", "{\"id\":2,\"email\":\"b@x\"}", "");
            change(d, "users-1", "cdc.update", "u", "null", "{\"id\":1,\"email\":\"a2@x\"}", "");
            change(d, "users-2", "cdc.delete", "d", "{\"id\":2}", "null", "");
            assertThat(users.storeName()).isEqualTo("cdc-users");
            assertThat(row(d, "cdc-users", "1")).isEqualTo("{\"id\":1,\"email\":\"a2@x\"}");
            assertThat(row(d, "cdc-users", "2")).isEqualTo("-");
            change(d, "users-3", "cdc.create", "c", "null", "{\"id\":3,\"email\":\"c@x\"}", "");
            change(d, "users", "cdc.truncate", "t", "null", "null", "");
            assertThat(row(d, "cdc-users", "1")).isEqualTo("-");
            assertThat(row(d, "cdc-users", "3")).isEqualTo("-");
            change(d, "users-4", "cdc.create", "c", "null", "{\"id\":4,\"email\":\"d@x\"}", "");
            assertThat(row(d, "cdc-users", "4")).isEqualTo("{\"id\":4,\"email\":\"d@x\"}");
            assertThat(d.outputs("changes")).extracting(OutputEvent::dataAsString).containsExactly(
                    "1={\"id\":1,\"email\":\"a@x\"}", "2={\"id\":2,\"email\":\"b@x\"}", "1={\"id\":1,\"email\":\"a2@x\"}", "2=-",
                    "3={\"id\":3,\"email\":\"c@x\"}", "1=-", "3=-", "4={\"id\":4,\"email\":\"d@x\"}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void anUnchangedToastedColumnKeepsThePreviousValue(String backend) {
        StreamsBuilder b = new StreamsBuilder();
        b.cdcTable("docs");
        try (TopologyTestDriver d = driver(b, backend)) {
            change(d, "docs-7", "cdc.create", "c", "null", "{\"id\":7,\"title\":\"a\",\"body\":\"long text\"}", "");
            change(d, "docs-7", "cdc.update", "u", "null", "{\"id\":7,\"title\":\"b\",\"body\":\"__debezium_unavailable_value\"}",
                    ",\"unavailable\":[\"body\"]");
            assertThat(row(d, "cdc-docs", "7")).isEqualTo("{\"id\":7,\"title\":\"b\",\"body\":\"long text\"}");
            // A Debezium envelope without the list: the marker alone says it.
            change(d, "docs-7", "cdc.update", "u", "null", "{\"id\":7,\"title\":\"c\",\"body\":\"__debezium_unavailable_value\"}", "");
            assertThat(row(d, "cdc-docs", "7")).isEqualTo("{\"id\":7,\"title\":\"c\",\"body\":\"long text\"}");
            // No previous value known (e.g. the table's history starts later): the column is left out, never the marker.
            change(d, "docs-8", "cdc.update", "u", "null", "{\"id\":8,\"title\":\"x\",\"body\":\"__debezium_unavailable_value\"}",
                    ",\"unavailable\":[\"body\"]");
            assertThat(row(d, "cdc-docs", "8")).isEqualTo("{\"id\":8,\"title\":\"x\"}");
        }
    }

    @Test
    void compositeKeysAndTablesOutsidePublicUseTheCapturesStreamNames() {
        StreamsBuilder b = new StreamsBuilder();
        b.cdcTable("sales.order-lines", Materialized.as("lines"));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            change(d, "sales.order%2Dlines-7,2", "cdc.create", "c", "null", "{\"order_id\":7,\"line\":2,\"sku\":\"a,b\"}", "");
            change(d, "sales.order%2Dlines-x%2Cy,1", "cdc.create", "c", "null", "{\"order_id\":\"x,y\",\"line\":1}", "");
            assertThat(row(d, "lines", "7,2")).contains("\"sku\":\"a,b\"");
            assertThat(row(d, "lines", "x%2Cy,1")).contains("\"line\":1");
        }
    }

    @Test
    void aCdcTableJoinsAndRegroupsLikeAnyTable() {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, JsonNode> users = b.cdcTable("users");
        KTable<String, Long> perCountry = users.groupBy((id, row) -> KeyValue.pair(row.path("country").asText(), id)).count(Materialized.as("perCountry"));
        KStream<String, String> clicks = b.stream(Consumed.category("click", e -> e.dataAsString()));
        clicks.leftJoin(users, (c, u) -> c + "@" + u.map(r -> r.path("country").asText()).orElse("?"))
                .to(Produced.with((k, v) -> "enriched", "E", (k, v) -> utf8(v)));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            change(d, "users-1", "cdc.create", "c", "null", "{\"id\":1,\"country\":\"FR\"}", "");
            change(d, "users-2", "cdc.create", "c", "null", "{\"id\":2,\"country\":\"FR\"}", "");
            d.pipe("click-1", "Clicked", "home", T0);
            change(d, "users-1", "cdc.update", "u", "null", "{\"id\":1,\"country\":\"DE\"}", "");
            change(d, "users-2", "cdc.delete", "d", "{\"id\":2}", "null", "");
            d.pipe("click-2", "Clicked", "home", T0);
            assertThat(d.query("perCountry", "FR")).isEmpty();
            assertThat(d.query("perCountry", "DE")).contains(1L);
            assertThat(d.outputs("enriched")).extracting(OutputEvent::dataAsString).containsExactly("home@FR", "home@?");
        }
    }

    @Test
    void otherEventsOfTheCategoryAreIgnored() {
        StreamsBuilder b = new StreamsBuilder();
        b.cdcTable("users");
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            d.pipe("users-1", "SomethingElse", "not json", T0);
            assertThat(d.query("cdc-users", "1")).isEmpty();
        }
    }

    @Test
    void aMalformedEnvelopeIsRefusedNamingTheEventAndWhatIsWrong() {
        for (List<String> bad : List.of(
                List.of("users-1", "cdc.create", "{not json", "not JSON"),
                List.of("users-1", "cdc.create", "[1]", "not a JSON object"),
                List.of("users-1", "cdc.create", "{\"op\":\"x\",\"after\":{}}", "op is 'x'"),
                List.of("users-1", "cdc.create", "{\"op\":\"c\",\"after\":null}", "no 'after' row object"),
                List.of("users", "cdc.create", "{\"op\":\"c\",\"after\":{\"a\":1}}", "no primary key"),
                List.of("users-1", "cdc.truncate", "{\"op\":\"t\"}", "a truncate on a row's stream"))) {
            StreamsBuilder b = new StreamsBuilder();
            b.cdcTable("users");
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                assertThatThrownBy(() -> d.pipe(bad.get(0), bad.get(1), bad.get(2), T0)).as(bad.get(2))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("CDC table 'users'").hasMessageContaining("stream '" + bad.get(0) + "'")
                        .hasMessageContaining(bad.get(3));
                assertThat(d.query("cdc-users", "1")).isEqualTo(Optional.empty());
            }
        }
    }

    @Test
    void aTableNameIsRequired() {
        assertThatThrownBy(() -> new StreamsBuilder().cdcTable("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table's name");
    }
}
