package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-sending an append "returns the original result and writes nothing" (EventStore javadoc).
 * Found by {@link CrashRecoveryIT}: for a multi-stream append, each part's {@code position} of
 * the retry's result is that part's own last event, where the original result (and the
 * {@link io.tributary.core.AppendResult} javadoc) give the request's last event.
 */
class RetriedAppendResultTest {
    @TempDir
    Path dir;

    @Test
    void retryOfAMultiStreamAppendReturnsTheOriginalResult() {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            List<StreamAppend> request = List.of(
                    StreamAppend.of(StreamName.of("order-1"), ExpectedVersion.noStream(), EventData.json("Placed", "{}")),
                    StreamAppend.of(StreamName.of("stock-7"), ExpectedVersion.noStream(),
                            EventData.json("Reserved", "{}"), EventData.json("Reserved", "{}")));

            MultiAppendResult original = store.appendAll(request).join();
            MultiAppendResult retried = store.appendAll(request).join();

            assertThat(original.results()).allSatisfy(r -> assertThat(r.position()).isEqualTo(2));
            assertThat(retried).isEqualTo(original);
            assertThat(store.headPosition()).isEqualTo(2);
        }
    }
}
