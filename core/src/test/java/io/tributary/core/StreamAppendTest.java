package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAppendTest {
    private final StreamName stream = StreamName.of("account-1");
    private final EventData event = EventData.of("Deposited", new byte[0]);

    @Test
    void carriesStreamCheckAndEvents() {
        StreamAppend append = StreamAppend.of(stream, ExpectedVersion.exact(3), event);

        assertThat(append.stream()).isEqualTo(stream);
        assertThat(append.expected()).isEqualTo(ExpectedVersion.exact(3));
        assertThat(append.events()).containsExactly(event);
    }

    @Test
    void rejectsMissingPartsWithInvalidRequest() {
        assertThatThrownBy(() -> StreamAppend.of(null, ExpectedVersion.any(), event))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("stream");
        assertThatThrownBy(() -> StreamAppend.of(stream, null, event))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("any()");
        assertThatThrownBy(() -> StreamAppend.of(stream, ExpectedVersion.any()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least one event");
        assertThatThrownBy(() -> new StreamAppend(stream, ExpectedVersion.any(), null))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void rejectsANullEventWithInvalidRequest() {
        assertThatThrownBy(() -> StreamAppend.of(stream, ExpectedVersion.any(), event, null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("null event");
        assertThatThrownBy(() -> new StreamAppend(stream, ExpectedVersion.any(), Arrays.asList(event, null)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> StreamAppend.of(stream, ExpectedVersion.any(), (EventData[]) null))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void copiesTheEventList() {
        List<EventData> events = new ArrayList<>(List.of(event));
        StreamAppend append = new StreamAppend(stream, ExpectedVersion.any(), events);

        events.add(EventData.of("Withdrawn", new byte[0]));

        assertThat(append.events()).containsExactly(event);
        assertThatThrownBy(() -> append.events().add(event)).isInstanceOf(UnsupportedOperationException.class);
    }
}
