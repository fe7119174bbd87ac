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
        MySqlOffset offset = new MySqlOffset(new BinlogPosition("mysql-bin.000003", 99, "0-1-50"),
                new MySqlOffset.Partial(new BinlogPosition("mysql-bin.000003", 120, ""), 9_999),
                new MySqlOffset.Snapshot(point, List.of(new OffsetState.TableProgress("shop.users", List.of("7", "a,b"), false, 12)),
                        List.of(new MySqlOffset.Segment("shop.users", List.of(), point),
                                new MySqlOffset.Segment("shop.users", List.of("7", "a,b"), point)), false), 15);

        assertThat(MySqlOffset.fromJson(json, offset.toJson(json))).isEqualTo(offset);
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
