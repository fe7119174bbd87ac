package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcSinkConfigTest {
    @Test
    void takesPostgresMariaDbAndMySqlTargets() {
        for (String url : new String[] {"jdbc:postgresql://h/db", "jdbc:mariadb://h/db", "jdbc:mysql://h/db"}) {
            assertThat(JdbcSinkConfig.of("s", url, Map.of("users", "users")).jdbcUrl()).isEqualTo(url);
        }
    }

    @Test
    void refusesWhatItCannotWriteTo() {
        assertThatThrownBy(() -> JdbcSinkConfig.of("s", "jdbc:oracle:thin:@h:1521/db", Map.of("users", "users")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:").hasMessageContaining("jdbc:oracle");
        assertThatThrownBy(() -> JdbcSinkConfig.of("s", "jdbc:mariadb://h/db", Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least one table mapping");
        assertThatThrownBy(() -> JdbcSinkConfig.of("bad name", "jdbc:mariadb://h/db", Map.of("users", "users")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("name must be");
        assertThatThrownBy(() -> JdbcSinkConfig.of("s", "jdbc:mariadb://h/db", Map.of("users", "users")).withMaxBatchEvents(0))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxBatchEvents");
    }
}
