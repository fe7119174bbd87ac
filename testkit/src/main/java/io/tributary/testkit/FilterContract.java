package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filtered reads of the global log: by category, stream prefix and event type, alone and
 * combined (OR within a kind, AND across kinds), and {@code readCategory}.
 */
abstract class FilterContract extends ContractSection {
    private List<RecordedEvent> log;

    /**
     * A log that tells filters apart: {@code accountant-1} shares the prefix {@code account} but
     * not the category; {@code account-10} shares the prefix {@code account-1}; {@code inventory}
     * has no dash and is its own category.
     */
    @BeforeEach
    void writeMixedLog() {
        String[][] writes = {
            {"account-1", "Opened"}, {"order-1", "Placed"}, {"account-2", "Opened"},
            {"accountant-1", "Hired"}, {"account-1", "Deposited"}, {"account-10", "Opened"},
            {"inventory", "Counted"}, {"order-2", "Placed"}, {"account-2", "Withdrawn"},
            {"account-10", "Deposited"}, {"order-1", "Shipped"}, {"accountant-1", "Deposited"},
            {"account-1", "Withdrawn"}, {"inventory", "Counted"}, {"order-2", "Cancelled"},
            {"account-2", "Deposited"},
        };
        for (String[] write : writes) {
            append(stream(write[0]), ExpectedVersion.any(), event(write[1]));
        }
        log = readAll(ReadFilter.all());
        assertThat(log).hasSize(writes.length);
    }

    private List<Long> expected(Predicate<RecordedEvent> predicate) {
        return positions(log.stream().filter(predicate).collect(Collectors.toList()));
    }

    private static Predicate<RecordedEvent> inStreams(String... names) {
        Set<String> set = Set.of(names);
        return e -> set.contains(e.stream().value());
    }

    private static Predicate<RecordedEvent> ofTypes(String... types) {
        Set<String> set = Set.of(types);
        return e -> set.contains(e.type());
    }

    private static List<Long> reversed(List<Long> positions) {
        List<Long> copy = new ArrayList<>(positions);
        Collections.reverse(copy);
        return copy;
    }

    /** Asserts the filter's result, read forward and backward, in pages of several sizes. */
    private void assertFilterSelects(ReadFilter filter, List<Long> positions) {
        assertThat(positions).as("the fixture must make this filter select something").isNotEmpty();
        for (int pageSize : new int[] {1, 2, 100}) {
            assertThat(positions(readAllPages(0, Direction.FORWARD, filter, pageSize)))
                    .as("%s forward in pages of %d", filter, pageSize).isEqualTo(positions);
            assertThat(positions(readAllPages(Long.MAX_VALUE, Direction.BACKWARD, filter, pageSize)))
                    .as("%s backward in pages of %d", filter, pageSize).isEqualTo(reversed(positions));
        }
    }

    @Test
    void filtersByOneCategory() {
        assertFilterSelects(ReadFilter.categories("account"), expected(inStreams("account-1", "account-2", "account-10")));
    }

    @Test
    void filtersBySeveralCategories() {
        assertFilterSelects(ReadFilter.categories("order", "accountant"),
                expected(inStreams("order-1", "order-2", "accountant-1")));
    }

    @Test
    void treatsANameWithoutDashAsItsOwnCategory() {
        assertFilterSelects(ReadFilter.categories("inventory"), expected(inStreams("inventory")));
    }

    @Test
    void filtersByEventTypes() {
        assertFilterSelects(ReadFilter.eventTypes("Deposited", "Placed"), expected(ofTypes("Deposited", "Placed")));
    }

    @Test
    void filtersByStreamPrefixes() {
        assertFilterSelects(ReadFilter.streamPrefixes("account-1"), expected(inStreams("account-1", "account-10")));
        assertFilterSelects(ReadFilter.streamPrefixes("account"),
                expected(inStreams("account-1", "account-2", "account-10", "accountant-1")));
        assertFilterSelects(ReadFilter.streamPrefixes("order-2", "inv"), expected(inStreams("order-2", "inventory")));
    }

    @Test
    void combinesKindsWithAndAndValuesWithinAKindWithOr() {
        ReadFilter filter = ReadFilter.categories("account", "order").withEventTypes("Deposited", "Placed");

        assertFilterSelects(filter, expected(
                inStreams("account-1", "account-2", "account-10", "order-1", "order-2").and(ofTypes("Deposited", "Placed"))));
    }

    @Test
    void combinesCategoryAndStreamPrefix() {
        ReadFilter filter = new ReadFilter(Set.of("account"), List.of("account-1"), Set.of());

        assertFilterSelects(filter, expected(inStreams("account-1", "account-10")));
    }

    @Test
    void combinesAllThreeKinds() {
        ReadFilter filter = new ReadFilter(Set.of("account", "accountant"), List.of("account-1", "accountant"),
                Set.of("Deposited"));

        assertFilterSelects(filter, expected(inStreams("account-1", "account-10", "accountant-1").and(ofTypes("Deposited"))));
    }

    @Test
    void selectsNothingForAnUnknownCategoryOrType() {
        assertThat(readAllPages(0, Direction.FORWARD, ReadFilter.categories("nothing"), 5)).isEmpty();
        assertThat(readAllPages(Long.MAX_VALUE, Direction.BACKWARD, ReadFilter.eventTypes("Nothing"), 5)).isEmpty();
    }

    @Test
    void startsAFilteredReadAtTheGivenPosition() {
        long from = log.get(8).position();

        List<RecordedEvent> forward = readAllPages(from, Direction.FORWARD, ReadFilter.categories("account"), 2);
        List<RecordedEvent> backward = readAllPages(from, Direction.BACKWARD, ReadFilter.categories("account"), 2);

        Predicate<RecordedEvent> account = inStreams("account-1", "account-2", "account-10");
        assertThat(positions(forward)).isEqualTo(expected(account.and(e -> e.position() >= from)));
        assertThat(positions(backward)).isEqualTo(reversed(expected(account.and(e -> e.position() <= from))));
    }

    @Test
    void readsACategoryInGlobalOrder() {
        List<Long> accounts = expected(inStreams("account-1", "account-2", "account-10"));

        ReadSlice forward = store().readCategory("account", 0, 100, Direction.FORWARD);
        ReadSlice backward = store().readCategory("account", Long.MAX_VALUE, 100, Direction.BACKWARD);

        assertThat(positions(forward.events())).isEqualTo(accounts);
        assertThat(positions(backward.events())).isEqualTo(reversed(accounts));
        assertThat(forward.events()).isEqualTo(
                log.stream().filter(e -> accounts.contains(e.position())).collect(Collectors.toList()));
    }

    @Test
    void pagesACategoryReadWithNext() {
        List<Long> orders = expected(inStreams("order-1", "order-2"));
        List<RecordedEvent> read = new ArrayList<>();
        long cursor = 0;
        for (int page = 0; page < 100; page++) {
            ReadSlice slice = store().readCategory("order", cursor, 2, Direction.FORWARD);
            assertThat(slice.events()).hasSizeLessThanOrEqualTo(2);
            read.addAll(slice.events());
            if (slice.isEnd()) {
                break;
            }
            assertThat(slice.next().getAsLong()).isGreaterThan(cursor);
            cursor = slice.next().getAsLong();
        }

        assertThat(positions(read)).isEqualTo(orders);
    }
}
