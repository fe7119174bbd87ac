package io.tributary.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cqrs.CommandOutcome;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.examples.shop.ShopCommand.AddProduct;
import io.tributary.examples.shop.ShopCommand.CancelOrder;
import io.tributary.examples.shop.ShopCommand.PayOrder;
import io.tributary.examples.shop.ShopCommand.PlaceOrder;
import io.tributary.examples.shop.ShopCommand.RegisterCustomer;
import io.tributary.examples.shop.ShopCommand.ShipOrder;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShopTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final BigDecimal KB = new BigDecimal("89.90");

    @TempDir
    Path dir;
    EmbeddedEventStore store;
    ShopService shop;

    @BeforeEach
    void setUp() {
        store = Tributary.open(dir.resolve("log"));
        shop = new ShopService(store);
        shop.handle(new RegisterCustomer("ada", "Ada Lovelace"));
        shop.handle(new AddProduct("kb", "Keyboard", KB, 2));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static String reason(CommandOutcome outcome) {
        return ((CommandOutcome.Rejected) outcome).reason();
    }

    @Nested
    class WriteSide {
        @Test
        void refusesToSellMoreThanTheStock() {
            assertThat(shop.handle(new PlaceOrder("o1", "ada", List.of(new OrderLine("kb", 2, KB)))).isAccepted()).isTrue();
            long head = store.headPosition();
            assertThat(reason(shop.handle(new PlaceOrder("o2", "ada", List.of(new OrderLine("kb", 1, KB))))))
                    .isEqualTo("only 0 of Keyboard in stock, 1 ordered");
            assertThat(store.headPosition()).as("a rejected order writes nothing, not even the order").isEqualTo(head);
        }

        @Test
        void refusesAStalePriceAndAnUnknownCustomer() {
            assertThat(reason(shop.handle(new PlaceOrder("o1", "ada", List.of(new OrderLine("kb", 1, new BigDecimal("80.00")))))))
                    .isEqualTo("the price of Keyboard is 89.90, not 80.00");
            assertThat(reason(shop.handle(new PlaceOrder("o1", "bob", List.of(new OrderLine("kb", 1, KB))))))
                    .isEqualTo("customer bob is not registered");
        }

        @Test
        void followsTheOrderStateMachine() {
            shop.handle(new PlaceOrder("o1", "ada", List.of(new OrderLine("kb", 1, KB))));
            assertThat(reason(shop.handle(new ShipOrder("o1")))).contains("only a PAID order can be shipped");
            assertThat(reason(shop.handle(new PayOrder("o1", BigDecimal.ONE)))).isEqualTo("order o1 costs 89.90, not 1");
            assertThat(shop.handle(new PayOrder("o1", KB)).isAccepted()).isTrue();
            assertThat(shop.handle(new ShipOrder("o1")).isAccepted()).isTrue();
            assertThat(reason(shop.handle(new CancelOrder("o1", "late")))).contains("can no longer be cancelled");
        }

        @Test
        void cancellingGivesTheStockBack() {
            shop.handle(new PlaceOrder("o1", "ada", List.of(new OrderLine("kb", 2, KB))));
            assertThat(shop.handle(new CancelOrder("o1", "oops")).isAccepted()).isTrue();
            assertThat(shop.handle(new PlaceOrder("o2", "ada", List.of(new OrderLine("kb", 2, KB)))).isAccepted()).isTrue();
        }
    }

    @Nested
    class ReadSide {
        @Test
        void theOrderSummaryIsDenormalisedAndReadableRightAfterTheWrite() {
            try (DocumentStore docs = DocumentStore.rocksDb(dir.resolve("docs"), ShopProjections.ORDERS_BY_CUSTOMER);
                 ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, ShopProjections.orderSummary(), docs)) {
                CommandOutcome.Accepted placed = (CommandOutcome.Accepted)
                        shop.handle(new PlaceOrder("o1", "ada", List.of(new OrderLine("kb", 2, KB))));
                OrderSummary summary = runner.query(placed.position(), WAIT,
                        () -> docs.get(ShopProjections.ORDER_SUMMARY, "orders", "o1", OrderSummary.class)).orElseThrow();
                assertThat(summary).isEqualTo(new OrderSummary("o1", "ada", "Ada Lovelace",
                        List.of(new OrderSummary.Item("kb", "Keyboard", 2, KB, new BigDecimal("179.80"))),
                        new BigDecimal("179.80"), "PLACED"));

                long paid = ((CommandOutcome.Accepted) shop.handle(new PayOrder("o1", new BigDecimal("179.80")))).position();
                runner.awaitPosition(paid, WAIT);
                assertThat(docs.findBy(ShopProjections.ORDER_SUMMARY, "orders", "customerId", "ada"))
                        .singleElement().satisfies(d -> assertThat(d.get("status").asText()).isEqualTo("PAID"));
                assertThat(runner.rebuildInShadow(WAIT).identical()).isTrue();
            }
        }

        @Test
        void theCustomerHistoryFollowsEachOrder() {
            try (DocumentStore docs = DocumentStore.inMemory();
                 ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, ShopProjections.customerOrders(), docs)) {
                shop.handle(new PlaceOrder("o1", "ada", List.of(new OrderLine("kb", 1, KB))));
                long token = ((CommandOutcome.Accepted) shop.handle(new CancelOrder("o1", "oops"))).position();
                ObjectNode history = runner.query(token, WAIT,
                        () -> docs.get(ShopProjections.CUSTOMER_ORDERS, "history", "ada")).orElseThrow();
                assertThat(history.get("name").asText()).isEqualTo("Ada Lovelace");
                assertThat(history.get("orders")).singleElement().satisfies(o -> {
                    assertThat(o.get("orderId").asText()).isEqualTo("o1");
                    assertThat(o.get("status").asText()).isEqualTo("CANCELLED");
                });
            }
        }
    }
}
