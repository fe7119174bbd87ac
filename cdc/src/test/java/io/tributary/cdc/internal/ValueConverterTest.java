package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
}
