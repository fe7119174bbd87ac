package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TIME} values of every precision, negative ones included, come out the same from the snapshot (text)
 * and from the binlog (binary, {@code RowDeserializers}): the binlog library's own decoding dropped the sign
 * ({@code -01:00:00} became {@code 1023:00:00}).
 */
class MySqlTimeIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[][] ROWS = {
        {"-01:00:00", "-00:00:00.5", "-838:59:58.999999"},
        {"838:59:59", "12:34:56.789", "00:00:00.000001"},
        {"-00:00:01", "-12:34:56.001", "-00:00:00.000001"},
        {"00:00:00", "00:00:00.01", "-01:02:03.456789"},
        {"-838:59:59", "-838:59:59", "838:59:59"},
    };
    static MariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = MariaDb.start();
        db.exec("CREATE TABLE times (id int PRIMARY KEY, t0 time, t3 time(3), t6 time(6))");
        for (int i = 0; i < ROWS.length; i++) {
            db.exec(insert(i + 1, ROWS[i]));
        }
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static String insert(int id, String[] row) {
        return "INSERT INTO times VALUES (" + id + ", '" + row[0] + "', '" + row[1] + "', '" + row[2] + "')";
    }

    @Test
    void theSnapshotAndTheBinlogGiveTheSameTimesSignsAndFractionsIncluded() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("times", "times").build())) {
            MySqlCaptureIT.awaitCount(store, "times", ROWS.length, capture);
            for (int i = 0; i < ROWS.length; i++) {
                db.exec(insert(100 + i, ROWS[i]));
            }
            db.exec("UPDATE times SET t6 = '-00:00:02.25' WHERE id = 100");
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "times", 2 * ROWS.length + 1, capture);
            Map<Integer, List<String>> byId = new TreeMap<>();
            for (RecordedEvent e : events) {
                JsonNode after = JSON.readTree(e.data()).get("after");
                byId.put(after.get("id").asInt(), List.of(after.get("t0").asText(), after.get("t3").asText(),
                        after.get("t6").asText()));
            }
            for (int i = 0; i < ROWS.length; i++) {
                List<String> expected = List.of(trim(ROWS[i][0]), trim(ROWS[i][1]), trim(ROWS[i][2]));
                assertThat(byId.get(i + 1)).as("snapshot row %d", i + 1).isEqualTo(expected);
                if (i > 0) {
                    assertThat(byId.get(100 + i)).as("binlog row %d", 100 + i).isEqualTo(expected);
                }
            }
            assertThat(byId.get(100)).as("updated in the binlog").isEqualTo(List.of("-01:00:00", "-00:00:00.5", "-00:00:02.25"));
        }
    }

    /** The capture's form: no trailing zeros in the fraction, none at all when it is zero. */
    private static String trim(String time) {
        if (!time.contains(".")) {
            return time;
        }
        String t = time.replaceAll("0+$", "");
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
