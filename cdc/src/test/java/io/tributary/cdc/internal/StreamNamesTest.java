package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.StreamName;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamNamesTest {
    @Test
    void publicTablesAreTheirNameAndOthersAreSchemaQualified() {
        assertThat(StreamNames.category("public", "users")).isEqualTo("users");
        assertThat(StreamNames.category("sales", "orders")).isEqualTo("sales.orders");
    }

    @Test
    void encodesDashesInTableNamesSoTheCategoryIsThePartBeforeTheFirstDash() {
        StreamName s = StreamNames.row(StreamNames.category("public", "order-lines"), List.of("7", "2"));
        assertThat(s.value()).isEqualTo("order%2Dlines-7,2");
        assertThat(s.category()).isEqualTo("order%2Dlines");
    }

    @Test
    void encodesSeparatorsPercentAndControlCharactersInKeys() {
        assertThat(StreamNames.row("t", List.of("a,b", "50%", "x\ny")).value()).isEqualTo("t-a%2Cb,50%25,x%0Ay");
        assertThat(StreamNames.row("t", List.of("a0eebc99-9c0b")).value()).isEqualTo("t-a0eebc99-9c0b");
        assertThat(StreamNames.row("t", Arrays.asList((String) null)).value()).isEqualTo("t-%00");
    }

    @Test
    void hashesKeysThatWouldMakeTooLongANameDeterministically() {
        StreamName a = StreamNames.row("t", List.of("k".repeat(400)));
        assertThat(a.value()).matches("t-#[0-9a-f]{32}");
        assertThat(StreamNames.row("t", List.of("k".repeat(400)))).isEqualTo(a);
        assertThat(StreamNames.row("t", List.of("k".repeat(401)))).isNotEqualTo(a);
    }
}
