package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StreamNameTest {

    @Nested
    class Validation {

        @Test
        void acceptsOrdinaryNames() {
            assertThat(StreamName.of("account-42").value()).isEqualTo("account-42");
            assertThat(StreamName.of("inventory").value()).isEqualTo("inventory");
            assertThat(StreamName.of("order-7-line-3").value()).isEqualTo("order-7-line-3");
            assertThat(StreamName.of("a$b").value()).as("a $ after the start is allowed").isEqualTo("a$b");
        }

        @Test
        void rejectsNullAndEmptyNames() {
            assertThatThrownBy(() -> StreamName.of(null))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> StreamName.of(""))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
        }

        @Test
        void rejectsALeadingDollarBecauseItIsReservedForSystemStreams() {
            assertThatThrownBy(() -> StreamName.of("$all"))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("'$all'")
                    .hasMessageContaining("reserved");
        }

        @Test
        void rejectsControlCharactersAndSaysWhere() {
            assertThatThrownBy(() -> StreamName.of("account\n-1"))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("index 7");
            for (String name : List.of("\u0000", "a\tb", "a\u007f", "a\u0085b", "x\u001f")) {
                assertThatThrownBy(() -> StreamName.of(name)).as("%s", name).isInstanceOf(InvalidRequestException.class);
            }
        }

        @Test
        void acceptsExactly255Utf8BytesAndRejectsOneMore() {
            assertThat(StreamName.of("a".repeat(255)).value()).hasSize(255);
            assertThat(StreamName.of("€".repeat(85)).value()).as("85 x 3 bytes").hasSize(85);
            assertThat(StreamName.of("é".repeat(127) + "a").value()).as("127 x 2 + 1 bytes").hasSize(128);

            assertThatThrownBy(() -> StreamName.of("a".repeat(256))).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> StreamName.of("é".repeat(128)))
                    .as("128 characters but 256 bytes")
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("256 bytes");
            assertThatThrownBy(() -> StreamName.of("💸".repeat(64))).as("64 x 4 bytes").isInstanceOf(InvalidRequestException.class);
        }

        @Test
        void problemSaysWhatIsWrongWithoutThrowing() {
            assertThat(StreamName.problem("account-1")).isNull();
            assertThat(StreamName.problem("")).contains("empty");
            assertThat(StreamName.problem("$x")).contains("$");
            assertThat(StreamName.problem("x".repeat(300))).contains("300 bytes");
        }
    }

    @Nested
    class Parts {

        @Test
        void theCategoryIsThePartBeforeTheFirstDash() {
            assertThat(StreamName.of("account-42").category()).isEqualTo("account");
            assertThat(StreamName.of("order-7-line-3").category()).isEqualTo("order");
            assertThat(StreamName.of("-x").category()).isEmpty();
        }

        @Test
        void aNameWithoutDashIsItsOwnCategoryAndHasNoId() {
            StreamName name = StreamName.of("inventory");

            assertThat(name.category()).isEqualTo("inventory");
            assertThat(name.id()).isEmpty();
        }

        @Test
        void theIdIsThePartAfterTheFirstDash() {
            assertThat(StreamName.of("account-42").id()).isEqualTo("42");
            assertThat(StreamName.of("order-7-line-3").id()).isEqualTo("7-line-3");
            assertThat(StreamName.of("account-").id()).isEmpty();
        }

        @Test
        void buildsCategoryDashId() {
            StreamName name = StreamName.of("account", 42);

            assertThat(name.value()).isEqualTo("account-42");
            assertThat(name.category()).isEqualTo("account");
            assertThat(name.id()).isEqualTo("42");
        }

        @Test
        void categoryOfWorksOnRawNames() {
            assertThat(StreamName.categoryOf("order-1")).isEqualTo("order");
            assertThat(StreamName.categoryOf("order")).isEqualTo("order");
        }
    }

    @Nested
    class ValueSemantics {

        @Test
        void equalNamesAreEqualAndHashAlike() {
            assertThat(StreamName.of("account-1")).isEqualTo(StreamName.of("account-1"))
                    .hasSameHashCodeAs(StreamName.of("account-1"));
            assertThat(StreamName.of("account-1")).isNotEqualTo(StreamName.of("account-2"));
        }

        @Test
        void ordersByName() {
            List<StreamName> names = new ArrayList<>(List.of(
                    StreamName.of("order-1"), StreamName.of("account-2"), StreamName.of("account-10"), StreamName.of("zeta")));

            names.sort(null);

            assertThat(names).extracting(StreamName::value).containsExactly("account-10", "account-2", "order-1", "zeta");
        }

        @Test
        void printsAsTheBareName() {
            assertThat(StreamName.of("account-1")).hasToString("account-1");
        }
    }
}
