package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Listing live streams in name order, with paging, prefix and category; and {@code streamInfo}. */
abstract class ListStreamsContract extends ContractSection {

    /** Streams written out of name order; {@code orderline-1} shares a prefix with the {@code order} category. */
    private static final List<String> WRITE_ORDER = List.of(
            "order-2", "account-10", "zeta", "account-2", "orderline-1", "account-1", "order-1", "alpha-1");

    private List<StreamInfo> writeStreams() {
        List<StreamInfo> infos = new ArrayList<>();
        int count = 1;
        for (String name : WRITE_ORDER) {
            StreamName stream = stream(name);
            AppendResult result = appendEvents(stream, count++ % 3 + 1);
            infos.add(new StreamInfo(stream, result.lastVersion(), result.position()));
        }
        // a second append to one stream moves its last version and position
        AppendResult again = appendEvents(stream("account-10"), 2);
        infos.set(1, new StreamInfo(stream("account-10"), again.lastVersion(), again.position()));
        infos.sort((a, b) -> a.stream().compareTo(b.stream()));
        return infos;
    }

    private static List<String> names(List<StreamInfo> infos) {
        return infos.stream().map(i -> i.stream().value()).collect(Collectors.toList());
    }

    @Test
    void listsNothingInAnEmptyStore() {
        assertThat(store().listStreams(ListStreamsRequest.first(10))).isEmpty();
    }

    @Test
    void listsLiveStreamsInNameOrderWithTheirLastVersionAndPosition() {
        // given
        List<StreamInfo> expected = writeStreams();

        // when
        List<StreamInfo> listed = store().listStreams(ListStreamsRequest.first(100));

        // then
        assertThat(names(listed)).containsExactly(
                "account-1", "account-10", "account-2", "alpha-1", "order-1", "order-2", "orderline-1", "zeta");
        assertThat(listed).isEqualTo(expected);
    }

    @Test
    void pagesWithAfter() {
        // given
        List<StreamInfo> expected = writeStreams();

        // when
        List<StreamInfo> first = store().listStreams(ListStreamsRequest.first(3));
        List<StreamInfo> second = store().listStreams(ListStreamsRequest.first(3).after("account-2"));
        List<StreamInfo> all = new ArrayList<>();
        ListStreamsRequest request = ListStreamsRequest.first(3);
        for (int page = 0; page < 100; page++) {
            List<StreamInfo> listed = store().listStreams(request);
            assertThat(listed).hasSizeLessThanOrEqualTo(3);
            all.addAll(listed);
            if (listed.size() < 3) {
                break;
            }
            request = request.after(listed.get(listed.size() - 1).stream().value());
        }

        // then
        assertThat(names(first)).containsExactly("account-1", "account-10", "account-2");
        assertThat(names(second)).containsExactly("alpha-1", "order-1", "order-2");
        assertThat(all).isEqualTo(expected);
    }

    @Test
    void startsAfterANameThatIsNotAStream() {
        writeStreams();

        List<StreamInfo> listed = store().listStreams(ListStreamsRequest.first(100).after("b"));

        assertThat(names(listed)).containsExactly("order-1", "order-2", "orderline-1", "zeta");
    }

    @Test
    void filtersByPrefix() {
        writeStreams();

        List<StreamInfo> listed = store().listStreams(new ListStreamsRequest(Optional.empty(), "order", Optional.empty(), 100));

        assertThat(names(listed)).containsExactly("order-1", "order-2", "orderline-1");
    }

    @Test
    void filtersByCategory() {
        writeStreams();

        assertThat(names(store().listStreams(ListStreamsRequest.ofCategory("order", 100))))
                .containsExactly("order-1", "order-2");
        assertThat(names(store().listStreams(ListStreamsRequest.ofCategory("zeta", 100))))
                .containsExactly("zeta");
        assertThat(names(store().listStreams(ListStreamsRequest.ofCategory("account", 2).after("account-1"))))
                .containsExactly("account-10", "account-2");
    }

    @Test
    void combinesCategoryAndPrefix() {
        writeStreams();

        List<StreamInfo> listed = store().listStreams(
                new ListStreamsRequest(Optional.of("account"), "account-1", Optional.empty(), 100));

        assertThat(names(listed)).containsExactly("account-1", "account-10");
    }

    @Test
    void excludesSoftAndHardDeletedStreams() {
        // given
        writeStreams();

        // when
        delete(stream("account-2"), false);
        delete(stream("order-1"), true);

        // then
        assertThat(names(store().listStreams(ListStreamsRequest.first(100))))
                .containsExactly("account-1", "account-10", "alpha-1", "order-2", "orderline-1", "zeta");
        assertThat(names(store().listStreams(ListStreamsRequest.ofCategory("order", 100)))).containsExactly("order-2");
    }

    @Test
    void streamInfoReturnsTheLastVersionAndPositionOrEmpty() {
        // given
        List<StreamInfo> expected = writeStreams();

        // when / then
        for (StreamInfo info : expected) {
            assertThat(store().streamInfo(info.stream())).contains(info);
        }
        assertThat(store().streamInfo(stream("account-404"))).isEmpty();
        assertThat(store().streamInfo(stream("account-10")).orElseThrow().lastVersion()).isEqualTo(4);
    }
}
