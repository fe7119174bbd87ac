package io.tributary.cdc.internal.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.EventData;
import io.tributary.core.StreamName;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The envelope written straight to bytes, the event ids and the resume skip of the MySQL mapper. */
class MyMapperTest {
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC);
    private final MyMapper mapper = new MyMapper("shop", json, clock);
    private final MyTable table = new MyTable("shop", "users", "users", List.of(
            new MyColumn("id", MyColumn.Kind.INT, false, null, "", 0, List.of(), 0, false),
            new MyColumn("email", MyColumn.Kind.TEXT, false, StandardCharsets.UTF_8, "utf8mb4_general_ci", 0, List.of(), 0, false),
            new MyColumn("doc", MyColumn.Kind.JSON, false, StandardCharsets.UTF_8, "", 0, List.of(), 0, false),
            new MyColumn("secret", MyColumn.Kind.TEXT, false, StandardCharsets.UTF_8, "", 0, List.of(), 0, false)),
            new int[] {0}, new boolean[] {true, true, true, false});
    private final int[] types = {3, 15, 252, 15};
    private final BinlogPosition begin = new BinlogPosition("mysql-bin.000003", 1_000, "");

    private record Out(StreamName stream, EventData event) {
    }

    private JsonNode[] row(Serializable... values) {
        return mapper.binlogRow(table, types, null, values);
    }

    @Test
    void writesTheEnvelopeOfAnUpdateWithIdsFromTheTransactionsGtid() throws Exception {
        MyMapper.Tx tx = new MyMapper.Tx(begin, "0-1-42", 1_700_000_000_000L, 1, 0);
        List<Out> out = new ArrayList<>();
        mapper.change(table, "u", row(7, "a@x".getBytes(StandardCharsets.UTF_8), "{\"k\": [1]}".getBytes(StandardCharsets.UTF_8), "s"),
                row(7, "b@x".getBytes(StandardCharsets.UTF_8), null, "s"), tx, new BinlogPosition("mysql-bin.000003", 1_200, ""), 0,
                (s, e) -> out.add(new Out(s, e)));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).stream().value()).isEqualTo("users-7");
        assertThat(out.get(0).event().type()).isEqualTo("cdc.update");
        assertThat(out.get(0).event().eventId())
                .isEqualTo(UUID.nameUUIDFromBytes("shop/gtid/0-1-42/0".getBytes(StandardCharsets.UTF_8)));
        assertThat(json.readTree(out.get(0).event().data())).isEqualTo(json.readTree("{\"before\":{\"id\":7,\"email\":\"a@x\","
                + "\"doc\":{\"k\":[1]}},\"after\":{\"id\":7,\"email\":\"b@x\",\"doc\":null},\"op\":\"u\",\"source\":{\"version\":"
                + "\"tributary-0.1\",\"connector\":\"mysql\",\"name\":\"shop\",\"db\":\"shop\",\"table\":\"users\",\"server_id\":1,"
                + "\"gtid\":\"0-1-42\",\"file\":\"mysql-bin.000003\",\"pos\":1200,\"row\":0,\"snapshot\":\"false\",\"ts_ms\":"
                + "1700000000000},\"ts_ms\":1700000000123,\"transaction\":{\"id\":\"0-1-42\",\"total_order\":1,"
                + "\"data_collection_order\":1}}"));
    }

    @Test
    void skipsEventsAlreadyInTheLogAndKeepsTheOrderOfTheRest() throws Exception {
        MyMapper.Tx tx = new MyMapper.Tx(begin, "", 0, 1, 2);
        List<Out> out = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            mapper.change(table, "c", null, row(id, "e".getBytes(StandardCharsets.UTF_8), null, "s"), tx, begin, id - 1,
                    (s, e) -> out.add(new Out(s, e)));
        }

        assertThat(out).extracting(o -> o.stream().value()).containsExactly("users-3");
        assertThat(out.get(0).event().eventId())
                .isEqualTo(UUID.nameUUIDFromBytes("shop/mysql-bin.000003:1000/2".getBytes(StandardCharsets.UTF_8)));
        JsonNode txn = json.readTree(out.get(0).event().data()).get("transaction");
        assertThat(txn.get("id").asText()).isEqualTo("mysql-bin.000003:1000");
        assertThat(txn.get("total_order").asLong()).isEqualTo(3);
        assertThat(txn.get("data_collection_order").asLong()).isEqualTo(3);
    }
}
