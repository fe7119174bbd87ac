package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventDataTest {
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final byte[] EMPTY = new byte[0];

    @Nested
    class Validation {

        @Test
        void acceptsAMinimalEvent() {
            EventData event = new EventData(ID, "X", EMPTY, EMPTY);

            assertThat(event.type()).isEqualTo("X");
            assertThat(event.sizeBytes()).isEqualTo(1);
        }

        @Test
        void rejectsAMissingId() {
            assertThatThrownBy(() -> new EventData(null, "Deposited", EMPTY, EMPTY))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("eventId");
        }

        @Test
        void rejectsAnEmptyOrNullType() {
            assertThatThrownBy(() -> new EventData(ID, "", EMPTY, EMPTY))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> new EventData(ID, null, EMPTY, EMPTY))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
        }

        @Test
        void rejectsControlCharactersInTheType() {
            assertThatThrownBy(() -> new EventData(ID, "Deposited\r\n", EMPTY, EMPTY))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("index 9");
        }

        @Test
        void acceptsATypeOf255Utf8BytesAndRejectsOneMore() {
            assertThat(new EventData(ID, "€".repeat(85), EMPTY, EMPTY).type()).hasSize(85);
            assertThatThrownBy(() -> new EventData(ID, "ä".repeat(128), EMPTY, EMPTY))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("255");
            assertThat(EventData.typeProblem("T".repeat(255))).isNull();
            assertThat(EventData.typeProblem("T".repeat(256))).isNotNull();
        }

        @Test
        void rejectsNullDataOrMetadataAndSuggestsAnEmptyArray() {
            assertThatThrownBy(() -> new EventData(ID, "Deposited", null, EMPTY))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty array");
            assertThatThrownBy(() -> new EventData(ID, "Deposited", EMPTY, null))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("metadata");
        }
    }

    @Nested
    class Factories {

        @Test
        void ofGivesAFreshIdAndNoMetadata() {
            byte[] data = {1, 2, 3};

            EventData first = EventData.of("Deposited", data);
            EventData second = EventData.of("Deposited", data);

            assertThat(first.eventId()).isNotEqualTo(second.eventId());
            assertThat(first.data()).isSameAs(data);
            assertThat(first.metadata()).isEmpty();
        }

        @Test
        void jsonEncodesTheTextAsUtf8() {
            EventData event = EventData.json("Noted", "{\"text\":\"naïve €\"}");

            assertThat(event.data()).isEqualTo("{\"text\":\"naïve €\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(event.dataAsString()).isEqualTo("{\"text\":\"naïve €\"}");
        }

        @Test
        void copiesWithOtherMetadataOrId() {
            EventData event = new EventData(ID, "Deposited", new byte[] {1}, EMPTY);
            UUID other = UUID.randomUUID();

            EventData withMetadata = event.withMetadata(new byte[] {9});
            EventData withId = event.withEventId(other);

            assertThat(withMetadata.metadata()).containsExactly(9);
            assertThat(withMetadata.eventId()).isEqualTo(ID);
            assertThat(withId.eventId()).isEqualTo(other);
            assertThat(withId.data()).containsExactly(1);
            assertThatThrownBy(() -> event.withMetadata(null)).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Nested
    class ValueSemantics {

        @Test
        void comparesArraysByContent() {
            EventData a = new EventData(ID, "Deposited", new byte[] {1, 2}, new byte[] {3});
            EventData b = new EventData(ID, "Deposited", new byte[] {1, 2}, new byte[] {3});

            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a).isNotEqualTo(new EventData(ID, "Deposited", new byte[] {1, 2}, new byte[] {4}));
            assertThat(a).isNotEqualTo(new EventData(ID, "Deposited", new byte[] {1}, new byte[] {3}));
            assertThat(a).isNotEqualTo(new EventData(ID, "Withdrawn", new byte[] {1, 2}, new byte[] {3}));
            assertThat(a).isNotEqualTo(a.withEventId(UUID.randomUUID()));
        }

        @Test
        void sizeCountsDataMetadataAndType() {
            EventData event = new EventData(ID, "Deposited", new byte[100], new byte[20]);

            assertThat(event.sizeBytes()).isEqualTo(100 + 20 + "Deposited".length());
        }

        @Test
        void printsSizesNotPayloads() {
            EventData event = new EventData(ID, "Deposited", "secret".getBytes(StandardCharsets.UTF_8), EMPTY);

            assertThat(event.toString()).contains("Deposited", ID.toString(), "6 bytes data").doesNotContain("secret");
        }
    }
}
