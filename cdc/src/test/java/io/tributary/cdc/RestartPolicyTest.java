package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    @Test
    void theWaitDoublesUpToTheMaximum() {
        RestartPolicy p = RestartPolicy.backoff(Duration.ofMillis(300), Duration.ofSeconds(2));
        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(600));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(1200));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoff(1_000)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RestartPolicy.DEFAULT.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RestartPolicy.DEFAULT.backoff(7)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void countsRestartsInARow() {
        assertThat(RestartPolicy.DEFAULT.allows(1_000_000)).isTrue();
        assertThat(RestartPolicy.never().allows(1)).isFalse();
        RestartPolicy three = RestartPolicy.DEFAULT.withMaxRestarts(3);
        assertThat(three.allows(3)).isTrue();
        assertThat(three.allows(4)).isFalse();
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> RestartPolicy.backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> RestartPolicy.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxBackoff >= initialBackoff");
        assertThatThrownBy(() -> RestartPolicy.DEFAULT.withMaxRestarts(-2))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxRestarts");
        assertThatThrownBy(() -> PostgresSource.builder("x", "jdbc:postgresql://h/db").restart(null).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("RestartPolicy.never()");
    }
}
