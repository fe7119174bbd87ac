package io.tributary.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.TestAccounts.Closed;
import io.tributary.eventsourcing.TestAccounts.Deposited;
import io.tributary.eventsourcing.TestAccounts.Event;
import io.tributary.eventsourcing.TestAccounts.Opened;
import io.tributary.eventsourcing.TestAccounts.Withdrawn;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final StreamName STREAM = StreamName.of("account-1");
    private final EventCodec<Event> codec = TestAccounts.codec();

    private static RecordedEvent recorded(long version, String type, String json, String metadata) {
        return new RecordedEvent(STREAM, version, 100 + version, UUID.randomUUID(), type,
                json.getBytes(StandardCharsets.UTF_8), metadata.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    private static RecordedEvent recorded(EventData data) {
        return new RecordedEvent(STREAM, 0, 0, data.eventId(), data.type(), data.data(), data.metadata(), Instant.EPOCH);
    }

    @Nested
    class Encoding {
        @Test
        void writesTheRegisteredTypeNameAndSchemaVersion() {
            EventData data = codec.encode(new Deposited(new BigDecimal("100.00"), "salary"));

            assertThat(data.type()).isEqualTo("MoneyDeposited");
            assertThat(data.dataAsString()).isEqualTo("{\"amount\":100.00,\"memo\":\"salary\"}");
            assertThat(new String(data.metadata(), StandardCharsets.UTF_8)).isEqualTo("{\"schemaVersion\":2}");
        }

        @Test
        void writesBigDecimalsPlainAndInstantsAsIsoText() {
            EventData big = codec.encode(new Withdrawn(new BigDecimal("1E+3")));
            EventData opened = codec.encode(new Opened("Ada", Instant.parse("2024-01-02T03:04:05.123456789Z")));

            assertThat(big.dataAsString()).isEqualTo("{\"amount\":1000}");
            assertThat(opened.dataAsString()).contains("\"at\":\"2024-01-02T03:04:05.123456789Z\"");
        }

        @Test
        void usesTheGivenEventId() {
            UUID id = UUID.randomUUID();
            assertThat(codec.encode(new Closed(), id).eventId()).isEqualTo(id);
        }

        @Test
        void refusesAnUnregisteredClass() {
            EventCodec<Event> partial = EventCodec.builder(Event.class).register(Closed.class, "AccountClosed").build();
            assertThatThrownBy(() -> partial.encode(new Withdrawn(BigDecimal.ONE)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Withdrawn is not registered");
        }
    }

    @Nested
    class RoundTrip {
        @Test
        void decodesWhatItEncodedWithExactMoney() {
            Deposited event = new Deposited(new BigDecimal("0.10"), "a dime");
            Deposited back = (Deposited) codec.decode(recorded(codec.encode(event)));

            assertThat(back).isEqualTo(event);
            assertThat(back.amount().scale()).isEqualTo(2);
        }

        @Test
        void decodesAnEmptyRecord() {
            assertThat(codec.decode(recorded(codec.encode(new Closed())))).isEqualTo(new Closed());
        }

        @Test
        void readsAFloatingPointLiteralAsAnExactDecimal() {
            Withdrawn back = (Withdrawn) codec.decode(recorded(0, "MoneyWithdrawn", "{\"amount\":0.1}", ""));
            assertThat(back.amount()).isEqualTo(new BigDecimal("0.1"));
        }
    }

    @Nested
    class Upcasting {
        @Test
        void upcastsAnEventStoredWithoutSchemaVersion() {
            Event event = codec.decode(recorded(3, "MoneyDeposited", "{\"amount\":12.50}", ""));
            assertThat(event).isEqualTo(new Deposited(new BigDecimal("12.50"), ""));
        }

        @Test
        void chainsUpcastersAcrossVersionsAndRenames() {
            // Stored history: "FundsAdded" v1 {"cents":1250} -> renamed to MoneyDeposited v1 {"amount"} -> v2 adds memo.
            EventCodec<Event> evolved = EventCodec.builder(Event.class)
                    .register(Deposited.class, "MoneyDeposited", 3)
                    .upcaster(Upcaster.renaming("FundsAdded", 1, "MoneyDeposited", 1, json -> {
                        BigDecimal cents = json.get("cents").decimalValue();
                        json.remove("cents");
                        return json.put("amount", cents.movePointLeft(2));
                    }))
                    .upcaster(Upcaster.of("MoneyDeposited", 1, json -> json.put("memo", "")))
                    .upcaster(Upcaster.of("MoneyDeposited", 2, json -> json.put("memo", json.get("memo").asText() + "!")))
                    .build();

            assertThat(evolved.decode(recorded(0, "FundsAdded", "{\"cents\":1250}", "")))
                    .isEqualTo(new Deposited(new BigDecimal("12.50"), "!"));
            assertThat(evolved.decode(recorded(1, "MoneyDeposited", "{\"amount\":1.00,\"memo\":\"x\"}", "{\"schemaVersion\":2}")))
                    .isEqualTo(new Deposited(new BigDecimal("1.00"), "x!"));
            assertThat(evolved.decode(recorded(2, "MoneyDeposited", "{\"amount\":1.00,\"memo\":\"y\"}", "{\"schemaVersion\":3}")))
                    .isEqualTo(new Deposited(new BigDecimal("1.00"), "y"));
        }

        @Test
        void keepsTrailingZerosOfAmountsPassingThroughAnUpcaster() {
            Deposited back = (Deposited) codec.decode(recorded(0, "MoneyDeposited", "{\"amount\":100.00}", ""));
            assertThat(back.amount().toPlainString()).isEqualTo("100.00");
        }

        @Test
        void ignoresOtherMetadataFields() {
            Event event = codec.decode(recorded(0, "MoneyDeposited", "{\"amount\":1,\"memo\":\"m\"}",
                    "{\"correlationId\":\"c\",\"nested\":{\"schemaVersion\":9},\"schemaVersion\":2}"));
            assertThat(event).isEqualTo(new Deposited(BigDecimal.ONE, "m"));
        }

        @Test
        void refusesUpcastersThatLoop() {
            assertThatThrownBy(() -> EventCodec.builder(Event.class)
                    .register(Closed.class, "AccountClosed")
                    .upcaster(Upcaster.renaming("A", 1, "B", 1, j -> j))
                    .upcaster(Upcaster.renaming("B", 1, "A", 1, j -> j))
                    .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cycle");
        }
    }

    @Nested
    class Errors {
        @Test
        void namesStreamVersionAndTypeOfAnUnknownType() {
            assertThatThrownBy(() -> codec.decode(recorded(7, "InterestAccrued", "{}", "")))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("account-1@7")
                    .hasMessageContaining("'InterestAccrued'")
                    .hasMessageContaining("not registered")
                    .satisfies(e -> {
                        EventDecodingException d = (EventDecodingException) e;
                        assertThat(d.stream()).isEqualTo(STREAM);
                        assertThat(d.version()).isEqualTo(7);
                        assertThat(d.type()).isEqualTo("InterestAccrued");
                    });
        }

        @Test
        void explainsAPayloadThatDoesNotFit() {
            assertThatThrownBy(() -> codec.decode(recorded(2, "MoneyWithdrawn", "{\"amount\":\"lots\"}", "")))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("account-1@2 of type 'MoneyWithdrawn'")
                    .hasMessageContaining("does not fit");
        }

        @Test
        void refusesAMissingOrUnknownProperty() {
            assertThatThrownBy(() -> codec.decode(recorded(2, "MoneyWithdrawn", "{}", "")))
                    .isInstanceOf(EventDecodingException.class).hasMessageContaining("amount");
            assertThatThrownBy(() -> codec.decode(recorded(2, "MoneyWithdrawn", "{\"amount\":1,\"fee\":2}", "")))
                    .isInstanceOf(EventDecodingException.class).hasMessageContaining("fee");
        }

        @Test
        void refusesInvalidJson() {
            assertThatThrownBy(() -> codec.decode(recorded(4, "MoneyDeposited", "{not json", "")))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("account-1@4")
                    .hasMessageContaining("not valid JSON");
        }

        @Test
        void saysWhenAnEventIsNewerThanTheReader() {
            assertThatThrownBy(() -> codec.decode(recorded(5, "MoneyWithdrawn", "{\"amount\":1}", "{\"schemaVersion\":4}")))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("newer than this codec's version 1");
        }

        @Test
        void refusesDuplicateRegistrations() {
            assertThatThrownBy(() -> EventCodec.builder(Event.class)
                    .register(Closed.class, "X").register(Withdrawn.class, "X"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        }
    }

    // jqwik runs properties of top-level classes only, not of JUnit @Nested ones.
    @Property(tries = 200)
    void everyAmountSurvivesExactly(@ForAll @BigRange(min = "-1e12", max = "1e12") @Scale(6) BigDecimal amount) {
        Withdrawn back = (Withdrawn) codec.decode(recorded(codec.encode(new Withdrawn(amount))));
        assertThat(back.amount()).isEqualTo(amount); // equals: same value and same scale
    }

    record Dated(LocalDate day, Instant at) implements Event2 {
    }

    sealed interface Event2 permits Dated {
    }

    @Test
    void roundTripsJavaTimeValues() {
        EventCodec<Event2> dates = EventCodec.builder(Event2.class).register(Dated.class, "Dated").build();
        Dated event = new Dated(LocalDate.of(2024, 2, 29), Instant.parse("2024-02-29T23:59:59.999Z"));
        EventData data = dates.encode(event);

        assertThat(data.dataAsString()).isEqualTo("{\"day\":\"2024-02-29\",\"at\":\"2024-02-29T23:59:59.999Z\"}");
        assertThat(dates.decode(recorded(data))).isEqualTo(event);
    }
}
