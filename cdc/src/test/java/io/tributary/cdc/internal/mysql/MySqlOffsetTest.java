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
                List.of(new MySqlOffset.Partial(new BinlogPosition("mysql-bin.000003", 120, ""), "0-1-17", 9_999)),
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
        MySqlOffset offset = new MySqlOffset(new BinlogPosition("mysql-bin.000001", 16_551_446, "0-1-30493"), 0, List.of(),
                new MySqlOffset.Snapshot(point, List.of(new OffsetState.TableProgress("shop.big_a", List.of("60000"), true, 60_000)),
                        List.of(new MySqlOffset.Segment("shop.big_a", List.of(), point)), true), 4_850);

        assertThat(MySqlOffset.fromJson(json, stored.getBytes(StandardCharsets.UTF_8))).isEqualTo(offset);
        assertThat(new String(offset.toJson(json), StandardCharsets.UTF_8)).isEqualTo(stored);
    }

    @Test
    void roundTripsSeveralTransactionsInChunksAndReadsTheOneTransactionFormat() {
        MySqlOffset.Partial a = new MySqlOffset.Partial(new BinlogPosition("mysql-bin.000003", 120, ""), "0-1-17", 9_999);
        MySqlOffset.Partial b = new MySqlOffset.Partial(new BinlogPosition("mysql-bin.000003", 4_000, ""), "1-2-3", 20);
        MySqlOffset two = new MySqlOffset(new BinlogPosition("mysql-bin.000003", 99, "0-1-16,1-2-2"), 2, List.of(a, b), null, 0);
        assertThat(MySqlOffset.fromJson(json, two.toJson(json))).isEqualTo(two);
        assertThat(new String(two.toJson(json), StandardCharsets.UTF_8)).contains("\"partials\":[").doesNotContain("\"partial\":");

        MySqlOffset one = two.without(b.begin(), "1-2-3");
        assertThat(one.partials()).containsExactly(a);
        assertThat(new String(one.toJson(json), StandardCharsets.UTF_8)).contains("\"partial\":{").doesNotContain("partials");
        assertThat(MySqlOffset.fromJson(json, one.toJson(json))).isEqualTo(one);
    }

    @Test
    void aChunkOfAnotherDomainKeepsTheOtherTransactionsProgress() {
        BinlogPosition beginA = new BinlogPosition("mysql-bin.000003", 120, "");
        BinlogPosition beginB = new BinlogPosition("replica-bin.000001", 500, "");
        MySqlOffset st = new MySqlOffset(new BinlogPosition("mysql-bin.000003", 99, "0-1-16"), 1,
                List.of(new MySqlOffset.Partial(beginA, "0-1-17", 300)), null, 0);

        // Transaction 1-2-3 of domain 1 arrives first on the new server and is appended in chunks.
        MySqlOffset afterB = MySqlOffset.partialAt(beginB, "1-2-3").after(st, 50);
        assertThat(afterB.partial(beginA, "0-1-17").eventsDone()).as("the first transaction's progress kept").isEqualTo(300);
        assertThat(afterB.partial(beginB, "1-2-3").eventsDone()).isEqualTo(50);
        assertThat(MySqlOffset.partialAt(beginB, "1-2-3").after(afterB, 90).partials()).as("its own progress replaced")
                .containsExactly(new MySqlOffset.Partial(beginA, "0-1-17", 300), new MySqlOffset.Partial(beginB, "1-2-3", 90));
        // Found by GTID, wherever it begins on this server.
        assertThat(afterB.partial(new BinlogPosition("replica-bin.000001", 9_000, ""), "0-1-17")).isNotNull();
        assertThat(afterB.without(beginB, "1-2-3").partials()).containsExactly(new MySqlOffset.Partial(beginA, "0-1-17", 300));
        // Another transaction of the same domain replaces the entry: a domain's transactions come in one order everywhere.
        assertThat(MySqlOffset.partialAt(beginB, "0-1-18").after(st, 5).partials())
                .containsExactly(new MySqlOffset.Partial(beginB, "0-1-18", 5));
        // Without GTIDs (positions on one server) there is one at a time.
        MySqlOffset positional = new MySqlOffset(new BinlogPosition("mysql-bin.000003", 99, ""), 1,
                List.of(new MySqlOffset.Partial(beginA, "", 300)), null, 0);
        assertThat(positional.partial(beginA, "")).isNotNull();
        assertThat(positional.partial(new BinlogPosition("mysql-bin.000003", 121, ""), "")).isNull();
        assertThat(MySqlOffset.partialAt(beginB, "").after(positional, 7).partials())
                .containsExactly(new MySqlOffset.Partial(beginB, "", 7));
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
