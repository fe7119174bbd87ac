package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** Properties of {@link StreamName} checked against an independent model of the rules. */
class StreamNamePropertiesTest {

    /** Names from an alphabet that exercises every rule: multibyte, surrogate pairs, control characters, '$' and '-'. */
    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> pieces = Arbitraries.of("a", "Z", "7", "-", "$", "é", "€", "💸", "\n", "\u0000", "\u007f", " ");
        return pieces.list().ofMinSize(0).ofMaxSize(130).map(list -> String.join("", list));
    }

    @Property(tries = 2_000)
    void acceptsExactlyTheNamesTheRulesAllow(@ForAll("names") String candidate) {
        boolean allowed = !candidate.isEmpty()
                && candidate.charAt(0) != '$'
                && candidate.chars().noneMatch(Character::isISOControl)
                && utf8Length(candidate) <= StreamName.MAX_BYTES;

        Throwable thrown = catchThrowable(() -> StreamName.of(candidate));

        if (allowed) {
            assertThat(thrown).isNull();
            assertThat(StreamName.problem(candidate)).isNull();
        } else {
            assertThat(thrown).isInstanceOf(InvalidRequestException.class);
            assertThat(StreamName.problem(candidate)).isEqualTo(thrown.getMessage());
        }
    }

    @Property
    void categoryAndIdSplitAtTheFirstDash(@ForAll("names") String candidate) {
        if (StreamName.problem(candidate) != null) {
            return;
        }
        StreamName name = StreamName.of(candidate);

        assertThat(name.category()).doesNotContain("-");
        if (candidate.contains("-")) {
            assertThat(name.category() + "-" + name.id()).isEqualTo(candidate);
        } else {
            assertThat(name.category()).isEqualTo(candidate);
            assertThat(name.id()).isEmpty();
        }
    }

    @Property
    void ofCategoryAndIdRoundTrips(@ForAll @AlphaChars @StringLength(min = 1, max = 40) String category,
                                   @ForAll @StringLength(max = 40) @AlphaChars String id) {
        StreamName name = StreamName.of(category, id);

        assertThat(name.category()).isEqualTo(category);
        assertThat(name.id()).isEqualTo(id);
    }

    /** UTF-8 length computed from code points, independently of {@code String.getBytes}. */
    private static int utf8Length(String s) {
        return s.codePoints().map(cp -> cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4).sum();
    }
}
