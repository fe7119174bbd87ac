package io.tributary.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ReadFilter;
import io.tributary.core.StreamName;
import io.tributary.cqrs.CommandBus;
import io.tributary.cqrs.CommandOutcome;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.FailurePolicy;
import io.tributary.cqrs.IndexDefinition;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionOptions;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.cqrs.TimeTravel;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's CQRS code, compiled and run with concrete values, so the README cannot drift from the API. */
class CqrsReadmeSnippetTest {
    @TempDir
    Path dir;

    @Test
    void theCqrsSectionWorks() {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("data"))) {
            AggregateRepository<ShopCommand, ShopState, ShopEvent> orders = AggregateRepository.builder(store, new Shop(), Shop.codec()).build();
            CommandBus bus = CommandBus.builder()
                    .route(ShopCommand.RegisterCustomer.class, c -> StreamName.of("customer", c.customerId()), orders)
                    .handler(ShopCommand.PayOrder.class, c -> new CommandOutcome.Rejected(StreamName.of("order", c.orderId()), "closed"))
                    .build();

            Projection<DocumentWriter> summary = Projection.of("order-summary", ReadFilter.categories("order", "customer"),
                    (event, docs) -> docs.put("orders", event.stream().id(), Map.of("customerId", event.stream().id())));
            try (DocumentStore readModels = DocumentStore.rocksDb(dir.resolve("read-models"), IndexDefinition.of("orders", "customerId"));
                 ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, summary, readModels,
                         ProjectionOptions.defaults().withFailurePolicy(FailurePolicy.deadLetter()))) {
                CommandOutcome outcome = bus.dispatch(new ShopCommand.RegisterCustomer("ada", "Ada"));
                assertThat(outcome).isInstanceOf(CommandOutcome.Accepted.class);
                if (outcome instanceof CommandOutcome.Accepted a) {
                    Optional<ObjectNode> doc = runner.query(a.position(), Duration.ofSeconds(5),
                            () -> readModels.get("order-summary", "orders", "ada"));
                    assertThat(doc).isPresent();
                }
                assertThat(readModels.findBy("order-summary", "orders", "customerId", "ada")).hasSize(1);
                assertThat(bus.dispatch(new ShopCommand.PayOrder("o-1", BigDecimal.ONE)).isAccepted()).isFalse();
                assertThat(runner.status().lagEvents()).isZero();
                runner.reset();
                assertThat(runner.rebuildInShadow(summary, Duration.ofSeconds(30)).identical()).isTrue();
                try (DocumentStore past = TimeTravel.documentsAsOf(store, summary, 0, Duration.ofSeconds(30))) {
                    assertThat(past.all("order-summary", "orders")).hasSize(1);
                }
                assertThat(List.of(runner.status().slot())).containsExactly("order-summary~1");
            }
        }
    }
}
