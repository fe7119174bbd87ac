package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.internal.OffsetState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MySqlOffsetTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void roundTripsEveryPartOfAPosition() {
        BinlogPosition point = new BinlogPosition("mysql-bin.000002", 4_567, "0-1-42,1-1-7");
        MySqlOffset offset = new MySqlOffset(new BinlogPosition("mysql-bin.000003", 99, "0-1-50"), 2,
                new MySqlOffset.Partial(new BinlogPosition("mysql-bin.000003", 120, ""), "0-1-17", 9_999),
                new MySqlOffset.Snapshot(point, List.of(new OffsetState.TableProgress("shop.users", List.of("7", "a,b"), false, 12)),
                        List.of(new MySqlOffset.Segment("shop.users", List.of(), point),
                                new MySqlOffset.Segment("shop.users", List.of("7", "a,b"), point)), false), 15);

        assertThat(MySqlOffset.fromJson(json, offset.toJson(json))).isEqualTo(offset);
    }

    @Test
    void readsAndWritesTheStoredFormat() {
        // As the capture has always written it: offset streams in existing logs hold this.
        String stored = "{\"binlog\":{\"file\":\"mysql-bin.000001\",\"pos\":16551446,\"gtid\":\"0-1-30493\"},\"lagMs\":4850,"
                + "\"snapshot\":{\"point\":{\"file\":\"mysql-bin.000001\",\"pos\":6716608,\"gtid\":\"0-1-11\"},\"done\":true,"
                + "\"tables\":[{\"table\":\"shop.big_a\",\"done\":true,\"rows\":60000,\"lastKey\":[\"60000\"]}],"
                + "\"segments\":[{\"table\":\"shop.big_a\",\"point\":{\"file\":\"mysql-bin.000001\",\"pos\":6716608,"
                + "\"gtid\":\"0-1-11\"},\"afterKey\":[]}]}}";
        BinlogPosition point = new BinlogPosition("mysql-bin.000001", 6_716_608, "0-1-11");
        MySqlOffset offset = new MySqlOffset(new BinlogPosition("mysql-bin.000001", 16_551_446, "0-1-30493"), 0, null,
                new MySqlOffset.Snapshot(point, List.of(new OffsetState.TableProgress("shop.big_a", List.of("60000"), true, 60_000)),
                        List.of(new MySqlOffset.Segment("shop.big_a", List.of(), point)), true), 4_850);

        assertThat(MySqlOffset.fromJson(json, stored.getBytes(StandardCharsets.UTF_8))).isEqualTo(offset);
        assertThat(new String(offset.toJson(json), StandardCharsets.UTF_8)).isEqualTo(stored);
    }

    @Test
    void ordersPositionsByFileSequenceThenOffset() {
        BinlogPosition a = new BinlogPosition("mysql-bin.000009", 900, "");
        BinlogPosition b = new BinlogPosition("mysql-bin.000010", 4, "");
        BinlogPosition c = new BinlogPosition("mysql-bin.000010", 5, "");

        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(c.compareTo(new BinlogPosition("mysql-bin.000010", 5, "0-1-1"))).isZero();
    }

    @Test
    void refusesAnUnreadablePosition() {
        assertThatThrownBy(() -> MySqlOffset.fromJson(json, "{\"lsn\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CdcException.class).hasMessageContaining("unreadable MySQL position");
    }
}
