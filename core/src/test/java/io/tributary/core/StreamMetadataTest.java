package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StreamMetadataTest {

    @Test
    void noneHasNoLimitsAndNoCustomData() {
        StreamMetadata none = StreamMetadata.none();

        assertThat(none.maxCount()).isEmpty();
        assertThat(none.maxAge()).isEmpty();
        assertThat(none.truncateBefore()).isEmpty();
        assertThat(none.custom()).isEmpty();
    }

    @Test
    void buildsUpLimitsWithoutChangingTheOriginal() {
        StreamMetadata base = StreamMetadata.none();

        StreamMetadata limited = base.withMaxCount(10).withMaxAge(Duration.ofMinutes(5)).withTruncateBefore(3)
                .withCustom(new byte[] {7});

        assertThat(limited.maxCount()).isEqualTo(OptionalLong.of(10));
        assertThat(limited.maxAge()).isEqualTo(Optional.of(Duration.ofMinutes(5)));
        assertThat(limited.truncateBefore()).isEqualTo(OptionalLong.of(3));
        assertThat(limited.custom()).containsExactly(7);
        assertThat(base).isEqualTo(StreamMetadata.none());
    }

    @Test
    void rejectsLimitsThatMakeNoSense() {
        assertThatThrownBy(() -> StreamMetadata.none().withMaxCount(0))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxCount");
        assertThatThrownBy(() -> StreamMetadata.none().withMaxAge(Duration.ZERO))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxAge");
        assertThatThrownBy(() -> StreamMetadata.none().withMaxAge(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> StreamMetadata.none().withTruncateBefore(-1))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("truncateBefore");
    }

    @Test
    void acceptsTheSmallestLimits() {
        StreamMetadata smallest = StreamMetadata.none().withMaxCount(1).withMaxAge(Duration.ofNanos(1)).withTruncateBefore(0);

        assertThat(smallest.maxCount()).hasValue(1);
    }

    @Test
    void comparesCustomBytesByContent() {
        StreamMetadata a = StreamMetadata.none().withMaxCount(2).withCustom(new byte[] {1, 2});
        StreamMetadata b = StreamMetadata.none().withMaxCount(2).withCustom(new byte[] {1, 2});

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(a.withCustom(new byte[] {1}));
        assertThat(a).isNotEqualTo(a.withMaxCount(3));
        assertThat(a.toString()).contains("maxCount", "2 bytes");
    }
}
