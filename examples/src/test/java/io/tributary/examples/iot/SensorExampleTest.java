package io.tributary.examples.iot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorExampleTest {
    @TempDir
    Path dir;

    @Test
    void theRunnableExampleAlertsOnTheSpikeOnly() throws Exception {
        SensorExample.main(new String[] {dir.toString()});
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            assertThat(store.readAll(0, 10_000, Direction.FORWARD, ReadFilter.categories("iot.alerts")).events())
                    .extracting(e -> e.stream().value()).containsExactly("iot.alerts-s2");
        }
    }
}
