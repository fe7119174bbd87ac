package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The records reads and appends return: copies, value semantics and conversions. */
class ResultTypesTest {
    private static final StreamName STREAM = StreamName.of("account-1");
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000007");

    private static RecordedEvent recorded(byte[] data) {
        return new RecordedEvent(STREAM, 3, 17, ID, "Deposited", data, "{\"u\":1}".getBytes(StandardCharsets.UTF_8),
                Instant.parse("2024-05-01T10:15:30Z"));
    }

    @Test
    void recordedEventsCompareArraysByContent() {
        RecordedEvent a = recorded(new byte[] {1, 2});
        RecordedEvent b = recorded(new byte[] {1, 2});

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(recorded(new byte[] {1, 3}));
        assertThat(a.toString()).contains("account-1@3", "pos=17", "Deposited");
    }

    @Test
    void recordedEventsDecodeAndConvertBack() {
        RecordedEvent event = recorded("{\"amount\":5}".getBytes(StandardCharsets.UTF_8));

        assertThat(event.dataAsString()).isEqualTo("{\"amount\":5}");
        assertThat(event.metadataAsString()).isEqualTo("{\"u\":1}");
        assertThat(event.toEventData()).isEqualTo(new EventData(ID, "Deposited", event.data(), event.metadata()));
    }

    @Test
    void readSlicesCopyTheirEventsAndEndWithoutNext() {
        List<RecordedEvent> events = new ArrayList<>(List.of(recorded(new byte[0])));
        ReadSlice more = new ReadSlice(events, OptionalLong.of(4));
        ReadSlice end = new ReadSlice(List.of(), OptionalLong.empty());

        events.clear();

        assertThat(more.events()).hasSize(1);
        assertThat(more.isEnd()).isFalse();
        assertThat(end.isEnd()).isTrue();
        assertThatThrownBy(() -> more.events().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void multiAppendResultsCopyTheirResults() {
        List<AppendResult> results = new ArrayList<>(List.of(new AppendResult(STREAM, 0, 1, 5)));
        MultiAppendResult result = new MultiAppendResult(results, 5);

        results.clear();

        assertThat(result.results()).containsExactly(new AppendResult(STREAM, 0, 1, 5));
    }
}
