package io.tributary.examples.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.ReadFilter;
import io.tributary.examples.LogReads;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivityExampleTest {
    @TempDir
    Path dir;

    @Test
    void theRunnableExampleAppendsStatisticsAndBothFraudAlerts() throws Exception {
        ActivityExample.main(new String[] {dir.toString()});
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            assertThat(LogReads.readAll(store, ReadFilter.categories("fraud.alerts")))
                    .extracting(e -> e.stream() + " " + e.type())
                    .containsExactlyInAnyOrder("fraud.alerts-u7 SuspiciousLogin", "fraud.alerts-u3 ManyFailedPayments");
            assertThat(LogReads.readAll(store, ReadFilter.categories("activity.perminute"))).hasSizeGreaterThan(100);
            assertThat(LogReads.readAll(store, ReadFilter.categories("activity.active"))).hasSizeGreaterThan(50);
        }
    }
}
