package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReadFilterTest {

    @Nested
    class Matching {

        @Test
        void allMatchesEverything() {
            assertThat(ReadFilter.all().matchesAll()).isTrue();
            assertThat(ReadFilter.all().matches("account-1", "Deposited")).isTrue();
            assertThat(ReadFilter.all().matches("inventory", "X")).isTrue();
        }

        @Test
        void aCategoryMatchesItsStreamsOnly() {
            ReadFilter filter = ReadFilter.categories("account");

            assertThat(filter.matchesAll()).isFalse();
            assertThat(filter.matches("account-1", "Deposited")).isTrue();
            assertThat(filter.matches("account-1-2", "Deposited")).isTrue();
            assertThat(filter.matches("account", "Deposited")).as("no dash: its own category").isTrue();
            assertThat(filter.matches("accountant-1", "Deposited")).as("same prefix, other category").isFalse();
            assertThat(filter.matches("order-1", "Deposited")).isFalse();
        }

        @Test
        void severalCategoriesAreAlternatives() {
            ReadFilter filter = ReadFilter.categories("account", "order");

            assertThat(filter.matches("account-1", "A")).isTrue();
            assertThat(filter.matches("order-1", "A")).isTrue();
            assertThat(filter.matches("invoice-1", "A")).isFalse();
        }

        @Test
        void categoryMatchingAgreesWithTheCategoryOfTheStreamName() {
            java.util.List<String> streams = java.util.List.of("a", "a-", "a-b", "ab-c", "acc", "account", "account-",
                    "account-x-y", "-x", "order-7", "orde-7", "orders-7", "x-account-1");
            java.util.List<ReadFilter> filters = new java.util.ArrayList<>(java.util.List.of(ReadFilter.categories("a"),
                    ReadFilter.categories("account", "order"), ReadFilter.categories("a-b"), ReadFilter.categories("ab")));
            java.util.List<String> many = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                many.add("c" + i);
            }
            many.add("order");
            filters.add(ReadFilter.categories(many.toArray(String[]::new)));
            for (ReadFilter f : filters) {
                for (String stream : streams) {
                    assertThat(f.matches(stream, "T")).as("%s on %s", f, stream)
                            .isEqualTo(f.categories().contains(StreamName.categoryOf(stream)));
                }
            }
        }

        @Test
        void eventTypesAreAlternatives() {
            ReadFilter filter = ReadFilter.eventTypes("Deposited", "Withdrawn");

            assertThat(filter.matches("account-1", "Deposited")).isTrue();
            assertThat(filter.matches("order-1", "Withdrawn")).isTrue();
            assertThat(filter.matches("account-1", "Opened")).isFalse();
            assertThat(filter.matches("account-1", "deposited")).as("types are case-sensitive").isFalse();
        }

        @Test
        void streamPrefixesAreAlternatives() {
            ReadFilter filter = ReadFilter.streamPrefixes("account-1", "ord");

            assertThat(filter.matches("account-1", "A")).isTrue();
            assertThat(filter.matches("account-10", "A")).isTrue();
            assertThat(filter.matches("order-5", "A")).isTrue();
            assertThat(filter.matches("account-2", "A")).isFalse();
        }

        @Test
        void kindsCombineWithAnd() {
            ReadFilter filter = new ReadFilter(Set.of("account"), List.of("account-1"), Set.of("Deposited"));

            assertThat(filter.matches("account-1", "Deposited")).isTrue();
            assertThat(filter.matches("account-10", "Deposited")).isTrue();
            assertThat(filter.matches("account-1", "Withdrawn")).as("wrong type").isFalse();
            assertThat(filter.matches("account-2", "Deposited")).as("wrong prefix").isFalse();
            assertThat(filter.matches("accountant-1", "Deposited")).as("wrong category").isFalse();
        }

        @Test
        void withEventTypesKeepsTheOtherKinds() {
            ReadFilter filter = ReadFilter.categories("account").withEventTypes("Deposited");

            assertThat(filter.categories()).containsExactly("account");
            assertThat(filter.eventTypes()).containsExactly("Deposited");
            assertThat(filter.matches("account-1", "Deposited")).isTrue();
            assertThat(filter.matches("order-1", "Deposited")).isFalse();
            assertThat(filter.matches("account-1", "Opened")).isFalse();
        }

        @Test
        void matchesARecordedEventByItsStreamAndType() {
            RecordedEvent event = new RecordedEvent(StreamName.of("order-9"), 0, 0, UUID.randomUUID(), "Placed",
                    new byte[0], new byte[0], Instant.EPOCH);

            assertThat(ReadFilter.categories("order").matches(event)).isTrue();
            assertThat(ReadFilter.eventTypes("Shipped").matches(event)).isFalse();
        }
    }

    @Nested
    class Validation {

        @Test
        void rejectsEmptyCategoriesAndTypes() {
            assertThatThrownBy(() -> ReadFilter.categories("")).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> ReadFilter.eventTypes("")).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> ReadFilter.categories("account").withEventTypes("")).isInstanceOf(InvalidRequestException.class);
        }

        @Test
        void rejectsNullsWithInvalidRequest() {
            assertThatThrownBy(() -> new ReadFilter(null, List.of(), Set.of())).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> ReadFilter.categories("a", null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> ReadFilter.streamPrefixes((String) null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> ReadFilter.eventTypes((String[]) null)).isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> new ReadFilter(Set.of(), Arrays.asList("a", null), Set.of()))
                    .isInstanceOf(InvalidRequestException.class);
        }

        @Test
        void toleratesRepeatedValues() {
            assertThat(ReadFilter.categories("account", "account").categories()).containsExactly("account");
            assertThat(ReadFilter.eventTypes("A", "A").eventTypes()).containsExactly("A");
        }

        @Test
        void copiesItsCollections() {
            List<String> prefixes = new ArrayList<>(List.of("a"));
            ReadFilter filter = new ReadFilter(Set.of(), prefixes, Set.of());

            prefixes.add("b");

            assertThat(filter.streamPrefixes()).containsExactly("a");
            assertThatThrownBy(() -> filter.streamPrefixes().add("c")).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Provide
    Arbitrary<String> streams() {
        return Arbitraries.of("account", "accountant", "order", "a", "inventory")
                .flatMap(category -> Arbitraries.of("", "-1", "-10", "-x-y").map(id -> category + id));
    }

    @Provide
    Arbitrary<Set<String>> categorySets() {
        return Arbitraries.of("account", "accountant", "order", "a", "inventory").set().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> prefixLists() {
        return Arbitraries.of("acc", "account-1", "order", "a", "inventory", "x").list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<Set<String>> typeSets() {
        return Arbitraries.of("Opened", "Deposited", "Placed").set().ofMaxSize(2);
    }

    @Property(tries = 2_000)
    void matchesIsAnAndOfOrs(@ForAll("categorySets") Set<String> categories,
                             @ForAll("prefixLists") List<String> prefixes,
                             @ForAll("typeSets") Set<String> types,
                             @ForAll("streams") String stream,
                             @ForAll("typeSets") Set<String> typeOfEvent) {
        String type = typeOfEvent.isEmpty() ? "Other" : typeOfEvent.iterator().next();
        ReadFilter filter = new ReadFilter(categories, prefixes, types);

        int dash = stream.indexOf('-');
        String category = dash < 0 ? stream : stream.substring(0, dash);
        boolean expected = (categories.isEmpty() || categories.contains(category))
                && (prefixes.isEmpty() || prefixes.stream().anyMatch(stream::startsWith))
                && (types.isEmpty() || types.contains(type));

        assertThat(filter.matches(stream, type)).isEqualTo(expected);
        assertThat(filter.matchesAll()).isEqualTo(categories.isEmpty() && prefixes.isEmpty() && types.isEmpty());
    }
}
