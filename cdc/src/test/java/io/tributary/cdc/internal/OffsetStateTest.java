package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetStateTest {
    private final ObjectMapper json = new ObjectMapper();

    /** A position as the capture has always written it: offset streams in existing logs hold this. */
    private static final String STORED = "{\"lsn\":\"0/16B3748\",\"lagMs\":15,\"partial\":{\"commitLsn\":\"0/16B3700\","
            + "\"eventsDone\":9999},\"snapshot\":{\"slotPoint\":\"0/1000\",\"done\":false,\"tables\":[{\"table\":\"public.users\","
            + "\"done\":false,\"rows\":12,\"lastKey\":[\"7\",\"a,b\"]}],\"segments\":[{\"table\":\"public.users\",\"point\":\"0/1000\","
            + "\"afterKey\":[]},{\"table\":\"public.users\",\"point\":\"0/2000\",\"afterKey\":[\"7\",\"a,b\"]}]}}";

    private static final OffsetState OFFSET = new OffsetState(0x16B3748L, new OffsetState.Partial(0x16B3700L, 9_999),
            new OffsetState.Snapshot(0x1000, List.of(new OffsetState.TableProgress("public.users", List.of("7", "a,b"), false, 12)),
                    List.of(new OffsetState.Segment("public.users", List.of(), 0x1000),
                            new OffsetState.Segment("public.users", List.of("7", "a,b"), 0x2000)), false), 15);

    @Test
    void readsAndWritesTheStoredFormat() {
        assertThat(OffsetState.fromJson(json, STORED.getBytes(StandardCharsets.UTF_8))).isEqualTo(OFFSET);
        assertThat(new String(OFFSET.toJson(json), StandardCharsets.UTF_8)).isEqualTo(STORED);
    }

    @Test
    void roundTripsAPositionWithoutSnapshotOrPartial() {
        OffsetState plain = new OffsetState(42, null, null, 0);
        assertThat(OffsetState.fromJson(json, plain.toJson(json))).isEqualTo(plain);
    }

    @Test
    void refusesAnUnreadablePosition() {
        assertThatThrownBy(() -> OffsetState.fromJson(json, "{\"binlog\": {}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CdcException.class).hasMessageContaining("unreadable position");
    }

    @Test
    void reconcilesASnapshotsTablesWithTheTablesCapturedNow() {
        OffsetState.TableProgress a = new OffsetState.TableProgress("public.a", List.of("9"), true, 9);
        OffsetState.TableProgress b = new OffsetState.TableProgress("public.b", List.of("3"), false, 3);
        OffsetState.Reconciled same = OffsetState.Reconciled.of(List.of(a, b), List.of("public.b", "public.a"));
        assertThat(same.changed()).isFalse();
        assertThat(same.tables()).containsExactly(a, b);

        OffsetState.Reconciled grown = OffsetState.Reconciled.of(List.of(a, b), List.of("public.c", "public.a", "public.b"));
        assertThat(grown.changed()).isTrue();
        assertThat(grown.added()).containsExactly("public.c");
        assertThat(grown.removed()).isEmpty();
        assertThat(grown.tables()).containsExactly(a, b, new OffsetState.TableProgress("public.c", List.of(), false, 0));

        OffsetState.Reconciled shrunk = OffsetState.Reconciled.of(List.of(a, b), List.of("public.b"));
        assertThat(shrunk.changed()).isTrue();
        assertThat(shrunk.added()).isEmpty();
        assertThat(shrunk.removed()).containsExactly("public.a");
        assertThat(shrunk.refusalWhileHalfAppended("capture 'x'")).contains("[public.a] is no longer captured");
        assertThat(shrunk.tables()).containsExactly(b);
    }
}
