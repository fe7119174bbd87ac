package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValueConverterTest {
    private final ValueConverter values = new ValueConverter(new ObjectMapper(), new TypeCatalog(null));

    @Test
    void keepsNumericExactAndTurnsTimestampsIntoIso() {
        assertThat(values.convert(1700, "0.1000000000000000000001").asText()).isEqualTo("0.1000000000000000000001");
        assertThat(values.convert(1114, "2024-01-02 03:04:05").asText()).isEqualTo("2024-01-02T03:04:05");
        assertThat(values.convert(1184, "2024-01-02 03:04:05.25-02").asText()).isEqualTo("2024-01-02T05:04:05.250Z");
        assertThat(values.convert(1184, "infinity").asText()).isEqualTo("infinity");
    }

    @Test
    void parsesNestedAndQuotedArrays() {
        assertThat(values.convert(1007, "{{1,2},{3,NULL}}").toString()).isEqualTo("[[1,2],[3,null]]");
        assertThat(values.convert(1009, "{\"a\\\\b\",\"{x}\",plain}").toString()).isEqualTo("[\"a\\\\b\",\"{x}\",\"plain\"]");
        assertThat(values.convert(1007, "{}").toString()).isEqualTo("[]");
    }

    @Test
    void writesFloatsSpecialValuesAsTextAndByteaAsBase64() {
        assertThat(values.convert(701, "NaN").asText()).isEqualTo("NaN");
        assertThat(values.convert(701, "-Infinity").asText()).isEqualTo("-Infinity");
        assertThat(values.convert(17, "\\xdeadbeef").asText()).isEqualTo("3q2+7w==");
    }

    @Test
    void writesTheSameJsonStraightToBytesAsTheTree() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Object[][] cases = {{16, "t"}, {16, "f"}, {23, "-42"}, {20, "9223372036854775807"}, {701, "1.5"}, {701, "NaN"},
            {700, "-Infinity"}, {701, "1e+300"}, {1700, "12345678901234567890.0123456789"}, {25, "tab\there \"quoted\" ü"},
            {2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, {1082, "2024-02-29"}, {1114, "2024-02-29 13:14:15.123456"},
            {1184, "2024-02-29 13:14:15.5+05:30"}, {1184, "infinity"}, {17, "\\xdeadbeef"}, {3802, "{\"a\": [1, 2.50, null]}"},
            {1007, "{{1,2},{3,NULL}}"}, {1009, "{\"a\\\\b\",plain}"}, {1186, "1 day 02:03:04"}};
        for (Object[] c : cases) {
            int oid = (Integer) c[0];
            String text = (String) c[1];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = json.getFactory().createGenerator(out)) {
                values.write(g, oid, text);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).as("oid %d, %s", oid, text)
                    .isEqualTo(json.writeValueAsString(values.convert(oid, text)));
        }
    }

    @Test
    void convertsTimestamptzLikeJavaTimeForRandomInstantsOffsetsAndFractions() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(LocalDateTime.of(1000, 1, 2, 0, 0).toEpochSecond(ZoneOffset.UTC),
                    LocalDateTime.of(9999, 12, 30, 0, 0).toEpochSecond(ZoneOffset.UTC));
            int digits = random.nextInt(7);
            int fraction = digits == 0 ? 0 : random.nextInt((int) Math.pow(10, digits));
            int offset = random.nextInt(4) == 0 ? 0 : random.nextInt(-15 * 3600, 15 * 3600 + 1);
            if (random.nextBoolean()) {
                offset = offset / 3600 * 3600; // PostgreSQL writes +HH when the minutes are zero
            }
            ZoneOffset zone = ZoneOffset.ofTotalSeconds(offset);
            LocalDateTime local = LocalDateTime.ofEpochSecond(second, 0, zone);
            String f = digits == 0 ? "" : "." + String.format("%0" + digits + "d", fraction);
            String z = zone.getId().equals("Z") ? "+00" : zone.getId();
            if (z.endsWith(":00") && z.length() == 6) {
                z = z.substring(0, 3);
            }
            String text = local.toString().replace('T', ' ') + (local.getSecond() == 0 && local.toString().length() == 16 ? ":00" : "") + f + z;
            String expected = LocalDateTime.parse(text.substring(0, 19) + f.replace(' ', 'T'), java.time.format.DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits)))).toInstant(zone).toString();
            // The fast path itself (the converter falls back to java.time when it declines).
            assertThat(Timestamps.utcInstant(text)).as("%s (seed %d)", text, seed).isEqualTo(expected);
        }
        assertThat(Instant.parse(ValueConverter.timestamptz("2024-01-02 03:04:05.12+05:30"))).isEqualTo(Instant.parse("2024-01-01T21:34:05.120Z"));
        assertThat(Timestamps.utcInstant("0999-01-02 03:04:05+00")).isNull();
        assertThat(ValueConverter.timestamptz("0999-01-02 03:04:05+00")).isEqualTo("0999-01-02T03:04:05Z");
        assertThat(Timestamps.utcInstant("2024-02-30 03:04:05+00")).isNull();
        assertThat(Timestamps.utcInstant("2024-01-02 03:04:05+05:3x")).isNull();
        assertThat(ValueConverter.timestamptz("2024-01-02 03:04:05+05:30:15")).isEqualTo("2024-01-01T21:33:50Z");
    }
}
