package io.tributary.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BankExampleTest {
    @TempDir
    Path dir;

    @Test
    void tellsTheWholeStory() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BankExample.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out)
                .contains("REJECTED: insufficient funds: balance 70.00, requested 500.00 (no overdraft)")
                .contains("one atomic append to both streams")
                .contains("nothing written to either stream")
                .contains("== The event stream of")
                .contains("balance    24.50  OPEN")           // Alice now: 100 - 30 - 45.50
                .contains("balance   100.00  OPEN    (version 1)") // Alice as of day 1
                .contains("CLOSED")
                .contains("== Audit trail");
    }
}
