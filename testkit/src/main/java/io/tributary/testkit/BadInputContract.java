package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.PayloadTooLargeException;
import io.tributary.core.ReadFilter;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed requests: each is rejected at once with {@link InvalidRequestException} (or its
 * subclass {@link PayloadTooLargeException}) that says what is wrong, and nothing is written.
 */
abstract class BadInputContract extends ContractSection {
    private final StreamName account = stream("account-1");
    private StoreSnapshot before;

    @BeforeEach
    void writeSomeEvents() {
        appendEvents(account, 3);
        before = snapshot();
    }

    private void assertRejected(String what, ThrowingCallable call) {
        assertThatThrownBy(call).as(what).isInstanceOf(InvalidRequestException.class);
        assertNothingWrittenSince(before);
    }

    // ------------------------------------------------------------------ names and events

    @Test
    void rejectsInvalidStreamNames() {
        List<String> invalid = List.of(
                "", "$all", "$ce-account", "account\u0000-1", "account-1\n", "tab\there", "del\u007f",
                "é".repeat(128), // 128 characters, 256 bytes
                "€".repeat(86), // 86 characters, 258 bytes
                "a".repeat(256));
        for (String name : invalid) {
            assertRejected("stream name '" + name + "'", () -> StreamName.of(name));
        }
        assertRejected("null stream name", () -> StreamName.of(null));
    }

    @Test
    void acceptsNamesOfExactlyTheLongestLengthInMultibyteCharacters() {
        // given: 255 UTF-8 bytes each
        StreamName euros = StreamName.of("€".repeat(85));
        StreamName ascii = StreamName.of("a".repeat(254) + "b");
        StreamName mixed = StreamName.of("konto-" + "ü".repeat(124) + "x");

        // when
        appendEvents(euros, 1);
        appendEvents(ascii, 2);
        appendEvents(mixed, 1);

        // then
        assertThat(readStream(euros)).extracting(e -> e.stream()).containsExactly(euros);
        assertThat(versions(readStream(ascii))).containsExactly(0L, 1L);
        assertThat(store().streamInfo(mixed)).contains(new StreamInfo(mixed, 0, 6));
        assertThat(store().listStreams(ListStreamsRequest.ofCategory("konto", 10)))
                .extracting(StreamInfo::stream).containsExactly(mixed);
    }

    @Test
    void rejectsAnEmptyEventList() {
        assertRejected("empty list", () -> store().append(account, ExpectedVersion.any(), List.of()));
        assertRejected("no varargs", () -> store().append(account, ExpectedVersion.any(), new EventData[0]));
    }

    @Test
    void rejectsNullEvents() {
        EventData good = event("Deposited");
        assertRejected("null list", () -> store().append(account, ExpectedVersion.any(), (List<EventData>) null));
        assertRejected("null in list", () -> store().append(account, ExpectedVersion.any(), Arrays.asList(good, null)));
        assertRejected("null in varargs", () -> store().append(account, ExpectedVersion.any(), good, null));
        assertRejected("null in a stream append", () -> StreamAppend.of(account, ExpectedVersion.any(), good, null));
    }

    @Test
    void rejectsNullStreamOrExpectedVersion() {
        assertRejected("null stream", () -> store().append(null, ExpectedVersion.any(), event("Deposited")));
        assertRejected("null expected version", () -> store().append(account, null, event("Deposited")));
    }

    @Test
    void rejectsInvalidEventTypes() {
        UUID id = UUID.randomUUID();
        assertRejected("empty type", () -> new EventData(id, "", new byte[0], new byte[0]));
        assertRejected("null type", () -> new EventData(id, null, new byte[0], new byte[0]));
        assertRejected("control character", () -> new EventData(id, "Deposited\n", new byte[0], new byte[0]));
        assertRejected("256-byte type", () -> new EventData(id, "ä".repeat(128), new byte[0], new byte[0]));
        assertRejected("null id", () -> new EventData(null, "Deposited", new byte[0], new byte[0]));
        assertRejected("null data", () -> new EventData(id, "Deposited", null, new byte[0]));
    }

    @Test
    void rejectsDuplicateEventIdsWithinOneRequest() {
        // given
        EventData once = event("Deposited");

        // when: the Javadoc does not say whether this is malformed input or a duplicate
        Throwable failure = catchThrowable(() -> await(store().append(account, ExpectedVersion.any(), once, event("Withdrawn"), once)));

        // then
        assertThat(unwrap(failure)).isInstanceOfAny(InvalidRequestException.class, DuplicateEventException.class);
        assertNothingWrittenSince(before);
    }

    // ------------------------------------------------------------------ sizes

    @Test
    void rejectsAnEventOverMaxEventBytes() {
        // given
        int max = harness().limits().maxEventBytes();
        EventData tooBig = sized("Big", max - "Big".length() + 1, 0);
        assertThat(tooBig.sizeBytes()).isEqualTo(max + 1);

        // when
        Throwable thrown = catchThrowable(() -> store().append(account, ExpectedVersion.any(), tooBig));

        // then
        assertThat(thrown).isInstanceOf(PayloadTooLargeException.class);
        PayloadTooLargeException e = (PayloadTooLargeException) thrown;
        assertThat(e.limitBytes()).isEqualTo(max);
        assertThat(e.sizeBytes()).isGreaterThan(max);
        assertNothingWrittenSince(before);
    }

    @Test
    void countsMetadataTowardsTheEventLimit() {
        int max = harness().limits().maxEventBytes();
        EventData tooBig = sized("Big", 10, max - 10 - "Big".length() + 1);

        assertThatThrownBy(() -> store().append(account, ExpectedVersion.any(), tooBig))
                .isInstanceOf(PayloadTooLargeException.class);
        assertNothingWrittenSince(before);
    }

    @Test
    void acceptsAnEventOfExactlyMaxEventBytes() {
        // given
        int max = harness().limits().maxEventBytes();
        EventData largest = sized("Big", max - "Big".length() - 100, 100);
        assertThat(largest.sizeBytes()).isEqualTo(max);

        // when
        AppendResult result = append(account, ExpectedVersion.any(), largest);

        // then
        assertThat(result.lastVersion()).isEqualTo(3);
        assertSameEvent(readStream(account).get(3), largest);
    }

    @Test
    void rejectsARequestOverMaxRequestBytesAndAcceptsItInParts() {
        // given: events of half the event limit, together just over the request limit
        StoreLimits limits = harness().limits();
        int eventBytes = limits.maxEventBytes() / 2;
        int count = limits.maxRequestBytes() / eventBytes + 1;
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(sized("Chunk", eventBytes - "Chunk".length(), 0));
        }

        // when
        Throwable thrown = catchThrowable(() -> store().append(account, ExpectedVersion.any(), events));

        // then
        assertThat(thrown).isInstanceOf(PayloadTooLargeException.class);
        assertThat(((PayloadTooLargeException) thrown).limitBytes()).isEqualTo(limits.maxRequestBytes());
        assertNothingWrittenSince(before);
        // and the same events in two requests are fine
        int half = count / 2;
        append(account, ExpectedVersion.exact(2), events.subList(0, half));
        AppendResult rest = append(account, ExpectedVersion.exact(2 + half), events.subList(half, count));
        assertThat(rest.lastVersion()).isEqualTo(2 + count);
    }

    @Test
    void rejectsAMultiStreamRequestOverMaxRequestBytes() {
        // given: each part alone is within the limit, together they are not
        StoreLimits limits = harness().limits();
        int eventBytes = limits.maxEventBytes() / 2;
        int perPart = (limits.maxRequestBytes() / eventBytes) * 6 / 10 + 1;
        List<EventData> left = new ArrayList<>();
        List<EventData> right = new ArrayList<>();
        for (int i = 0; i < perPart; i++) {
            left.add(sized("Chunk", eventBytes - "Chunk".length(), 0));
            right.add(sized("Chunk", eventBytes - "Chunk".length(), 0));
        }

        // when / then
        assertThatThrownBy(() -> store().appendAll(List.of(
                new StreamAppend(stream("left-1"), ExpectedVersion.any(), left),
                new StreamAppend(stream("right-1"), ExpectedVersion.any(), right))))
                .isInstanceOf(PayloadTooLargeException.class);
        assertNothingWrittenSince(before);
    }

    // ------------------------------------------------------------------ reads and versions

    @Test
    void rejectsReadsWithMaxCountOutOfRange() {
        for (int maxCount : new int[] {0, -1, 10_001, Integer.MIN_VALUE}) {
            assertRejected("readStream maxCount " + maxCount,
                    () -> store().readStream(account, 0, maxCount, Direction.FORWARD));
            assertRejected("readAll maxCount " + maxCount,
                    () -> store().readAll(0, maxCount, Direction.BACKWARD, ReadFilter.all()));
        }
    }

    @Test
    void rejectsNegativeVersionsAndPositions() {
        for (Direction direction : Direction.values()) {
            assertRejected("readStream from -1 " + direction, () -> store().readStream(account, -1, 10, direction));
            assertRejected("readAll from -1 " + direction, () -> store().readAll(-1, 10, direction, ReadFilter.all()));
        }
        assertRejected("readStream from MIN_VALUE", () -> store().readStream(account, Long.MIN_VALUE, 10, Direction.BACKWARD));
        assertRejected("subscribeToAll from -1", () -> store().subscribeToAll(-1, ReadFilter.all()));
        assertRejected("subscribeToStream from -1", () -> store().subscribeToStream(account, -1));
    }

    @Test
    void rejectsNullReadArguments() {
        assertRejected("null stream", () -> store().readStream(null, 0, 10, Direction.FORWARD));
        assertRejected("null direction", () -> store().readStream(account, 0, 10, null));
        assertRejected("null filter", () -> store().readAll(0, 10, Direction.FORWARD, null));
    }

    @Test
    void rejectsNegativeExactVersions() {
        assertRejected("exact(-1)", () -> ExpectedVersion.exact(-1));
        assertRejected("parse(-1)", () -> ExpectedVersion.parse("-1"));
        assertRejected("parse(latest)", () -> ExpectedVersion.parse("latest"));
    }

    @Test
    void rejectsInvalidMetadataAndDeleteArguments() {
        assertRejected("maxCount 0", () -> StreamMetadata.none().withMaxCount(0));
        assertRejected("negative truncateBefore", () -> StreamMetadata.none().withTruncateBefore(-1));
        assertRejected("zero maxAge", () -> StreamMetadata.none().withMaxAge(Duration.ZERO));
        assertRejected("null metadata", () -> store().setStreamMetadata(account, null));
        assertRejected("null stream to delete", () -> store().deleteStream(null, ExpectedVersion.any(), false));
        assertRejected("null expected version to delete", () -> store().deleteStream(account, null, true));
        assertThat(versions(readStream(account))).containsExactly(0L, 1L, 2L);
    }
}
