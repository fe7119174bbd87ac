package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ExpectedVersionTest {

    @Test
    void parsesTheWireForms() {
        assertThat(ExpectedVersion.parse("any")).isSameAs(ExpectedVersion.any());
        assertThat(ExpectedVersion.parse("no_stream")).isSameAs(ExpectedVersion.noStream());
        assertThat(ExpectedVersion.parse("stream_exists")).isSameAs(ExpectedVersion.streamExists());
        assertThat(ExpectedVersion.parse("0")).isEqualTo(ExpectedVersion.exact(0));
        assertThat(ExpectedVersion.parse("42")).isEqualTo(ExpectedVersion.exact(42));
        assertThat(ExpectedVersion.parse(Long.toString(Long.MAX_VALUE))).isEqualTo(ExpectedVersion.exact(Long.MAX_VALUE));
    }

    @Test
    void rejectsEverythingElseWithInvalidRequest() {
        for (String text : List.of("", "ANY", "noStream", "-1", "1.5", " 1", "1 ", "0x10", "99999999999999999999", "latest")) {
            assertThatThrownBy(() -> ExpectedVersion.parse(text)).as("'%s'", text).isInstanceOf(InvalidRequestException.class);
        }
        assertThatThrownBy(() -> ExpectedVersion.parse(null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void namesTheBadTextInTheMessage() {
        assertThatThrownBy(() -> ExpectedVersion.parse("latest"))
                .hasMessageContaining("'latest'")
                .hasMessageContaining("no_stream");
    }

    @Test
    void rejectsANegativeExactVersion() {
        assertThatThrownBy(() -> ExpectedVersion.exact(-1))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("noStream()");
        assertThatThrownBy(() -> ExpectedVersion.exact(Long.MIN_VALUE)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void exactVersionsAreValues() {
        assertThat(ExpectedVersion.exact(3)).isEqualTo(ExpectedVersion.exact(3)).isNotEqualTo(ExpectedVersion.exact(4));
        assertThat(((ExpectedVersion.Exact) ExpectedVersion.exact(3)).version()).isEqualTo(3);
    }

    @Test
    void printsTheWireForm() {
        assertThat(ExpectedVersion.any()).hasToString("any");
        assertThat(ExpectedVersion.noStream()).hasToString("no_stream");
        assertThat(ExpectedVersion.streamExists()).hasToString("stream_exists");
        assertThat(ExpectedVersion.exact(7)).hasToString("7");
    }

    @Test
    void constantsRoundTripThroughTheWireForm() {
        for (ExpectedVersion v : List.of(ExpectedVersion.any(), ExpectedVersion.noStream(), ExpectedVersion.streamExists())) {
            assertThat(ExpectedVersion.parse(v.toString())).isSameAs(v);
        }
    }

    @Property
    void everyExactVersionRoundTripsThroughTheWireForm(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long version) {
        ExpectedVersion exact = ExpectedVersion.exact(version);

        assertThat(ExpectedVersion.parse(exact.toString())).isEqualTo(exact);
    }

    @Property
    void everyNegativeNumberIsRejected(@ForAll @LongRange(min = Long.MIN_VALUE, max = -1) long version) {
        assertThatThrownBy(() -> ExpectedVersion.parse(Long.toString(version))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ExpectedVersion.exact(version)).isInstanceOf(InvalidRequestException.class);
    }
}
