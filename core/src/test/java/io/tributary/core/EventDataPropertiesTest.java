package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link EventData}'s type-length rule and {@link EventData#sizeBytes()} against the JDK's UTF-8 encoder. */
class EventDataPropertiesTest {

    /** Types from pieces of 1 to 4 UTF-8 bytes, unpaired surrogates included, around the 255-byte limit. */
    @Provide
    Arbitrary<String> types() {
        Arbitrary<String> pieces = Arbitraries.of("a", "é", "€", "💸", "\ud800", "\udc00", "Z");
        return pieces.list().ofMinSize(1).ofMaxSize(140).map(list -> String.join("", list));
    }

    @Property(tries = 3_000)
    void acceptsExactlyTypesOfAtMost255Utf8BytesAndCountsThemLikeTheEncoder(@ForAll("types") String type) {
        int encoded = type.getBytes(StandardCharsets.UTF_8).length;
        Throwable t = catchThrowable(() -> new EventData(UUID.randomUUID(), type, new byte[3], new byte[2]));
        if (encoded <= EventData.MAX_TYPE_BYTES) {
            assertThat(t).isNull();
            assertThat(new EventData(UUID.randomUUID(), type, new byte[3], new byte[2]).sizeBytes()).isEqualTo(encoded + 5);
        } else {
            assertThat(t).isInstanceOf(InvalidRequestException.class).hasMessageContaining("longer than 255 bytes");
        }
    }
}
