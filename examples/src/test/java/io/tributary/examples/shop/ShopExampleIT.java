package io.tributary.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole tour, with sales in a real (embedded) PostgreSQL. */
class ShopExampleIT {
    @TempDir
    Path dir;

    @Test
    void runsTheTourWithSalesInPostgres() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<String, String> sales;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
             PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            sales = ShopExample.run(dir, postgres.getPostgresDatabase(), out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        // o-1: 1 kb + 2 mice; o-5: 2 kb; o-4 (desk) cancelled.
        assertThat(sales).isEqualTo(Map.of("kb", "3/269.70", "mouse", "2/49.00", "desk", "0/0.00"));
        assertThat(text).contains("rejected  product-mouse: only 1 of Wireless mouse in stock, 2 ordered")
                .contains("rejected  product-desk: the price of Standing desk is 499.00, not 450.00")
                .contains("identical=true")
                .contains("same as before = true")
                .contains("slot product-sales -> product-sales~1, identical=true, 3 rows compared; same table as before = true");
    }
}
