package io.tributary.server;

import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.ReadFilter;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.examples.bank.Account;
import io.tributary.examples.bank.AccountCommand;
import io.tributary.examples.bank.AccountEvent;
import io.tributary.examples.bank.BankAccount;
import io.tributary.store.Durability;
import java.math.BigDecimal;
import io.tributary.streams.Consumed;
import io.tributary.streams.Materialized;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.StreamProcessor;
import io.tributary.streams.StreamsBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web console end to end in headless Chromium against a real server: each page loads, the
 * streams browser clicks through to an event's detail, an event appended over HTTP arrives in the
 * live views, the rebuild button resets a projection, the aggregates page shows an audit trail and
 * travels in time, and a server with a token is usable once
 * the console is given the token (API calls and the live stream both send it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
    @TempDir
    static Path dir;
    TributaryServer server;
    Http http;
    Browser browser;
    final DocumentStore documents = DocumentStore.inMemory();
    final AtomicInteger applied = new AtomicInteger();
    ProjectionRunner<DocumentWriter> orders;
    StreamProcessor processor;
    AggregateRepository<AccountCommand, Account, AccountEvent> accounts;

    @BeforeAll
    void start() {
        server = TributaryServer.start(ServerConfig.builder(dir.resolve("open")).port(0).durability(Durability.none()).build());
        http = new Http(server.uri());
        orders = ProjectionRunner.start(server.store(), Projection.of("order-totals", ReadFilter.categories("order"), (e, w) -> {
            applied.incrementAndGet();
            long n = w.get("orders", e.stream().value()).map(d -> d.get("events").asLong()).orElse(0L);
            w.put("orders", e.stream().value(), Http.JSON.createObjectNode().put("events", n + 1).put("last", e.type()));
        }), documents);
        server.serve(ServedProjection.documents(orders, documents, "orders"));
        StreamsBuilder counts = new StreamsBuilder();
        counts.stream(Consumed.category("order", RecordedEvent::type)).groupByKey().count(Materialized.as("events"));
        processor = StreamProcessor.start(server.store(), counts.build(), ProcessorConfig.of("order-counts"));
        server.serve(ServedProcessor.of(processor));
        accounts = AggregateRepository.builder(server.store(), new BankAccount(), BankAccount.codec()).build();
        server.serve(ServedAggregate.of("accounts", "account", accounts, BankAccount.codec()));
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            server.close();
            documents.close();
        }
    }

    long append(Http client, String stream, String type, String data) {
        HttpResponse<String> r = client.post("/streams/" + stream, "[{\"type\":\"" + type + "\",\"data\":" + data
                + ",\"metadata\":{\"user\":\"ada\"}}]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("position").asLong();
    }

    @Test
    void overviewShowsTheHeadPositionAndTheAppendRateAndEventsArrivingLive() {
        long head = append(http, "order-100", "OrderPlaced", "{\"total\":\"12.50\"}");
        browser.open(server.uri() + "/");
        browser.text("[data-card='Head position'] .card-value", String.format(Locale.US, "%,d", head));
        browser.visible(".chart svg path.chart-line");
        browser.text("#feed-state", "live");

        append(http, "order-overview", "OrderShipped", "{}");
        WebElement item = browser.text("#live-feed li", "order-overview");
        assertThat(item.getText()).contains("OrderShipped");
        browser.text("[data-card='Data directory'] .card-value", "B");
        browser.screenshot("overview");
    }

    @Test
    void streamsBrowserClicksThroughToAnEventAndTailsNewOnesLive() {
        append(http, "order-7", "OrderPlaced", "{\"total\":\"99.90\",\"items\":[\"kb\"]}");
        append(http, "order-7", "OrderPaid", "{\"amount\":\"99.90\"}");
        append(http, "payment-7", "PaymentTaken", "{\"amount\":\"99.90\"}");
        browser.open(server.uri() + "/#/streams");

        browser.visible("#categories [data-category='payment']");
        browser.visible("#categories [data-category='order']").click();
        browser.await(d -> d.findElements(By.cssSelector("#stream-rows tr[data-stream='payment-7']")).isEmpty()
                && !d.findElements(By.cssSelector("#stream-rows tr[data-stream='order-7']")).isEmpty());
        browser.text("#tail-state", "live");
        append(http, "order-8", "OrderPlaced", "{\"total\":\"5.00\"}");
        append(http, "payment-8", "PaymentTaken", "{}");
        browser.text("#tail li", "order-8");
        assertThat(browser.driver.findElement(By.id("tail")).getText()).doesNotContain("payment-8");
        browser.visible("#stream-rows tr[data-stream='order-8']");   // the list picks up the new stream
        browser.screenshot("streams");

        browser.visible("#stream-rows tr[data-stream='order-7'] a").click();
        browser.text("h1.stream-name", "order-7");
        browser.visible("#event-rows tr[data-version='0']").click();
        assertThat(browser.text("#event-data", "99.90").getText()).contains("\"items\"");
        assertThat(browser.visible("#event-metadata").getText()).contains("\"user\": \"ada\"");
        assertThat(browser.visible("#event-detail").getText()).contains("OrderPlaced");

        browser.text("#tail-state", "live");
        append(http, "order-7", "OrderShipped", "{\"carrier\":\"post\"}");
        WebElement arrived = browser.visible("#event-rows tr[data-version='2']");
        assertThat(arrived.getText()).contains("OrderShipped");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#event-rows tr"));
        assertThat(rows.get(0).getAttribute("data-version")).isEqualTo("2");   // newest first
        arrived.click();
        browser.text("#event-data", "post");
        browser.screenshot("stream");
    }

    @Test
    void projectionsPageShowsStatusAndTheRebuildButtonReplaysTheProjection() {
        long position = append(http, "order-55", "OrderPlaced", "{}");
        orders.awaitPosition(position, Duration.ofSeconds(10));
        browser.open(server.uri() + "/#/projections");
        WebElement row = browser.visible("tr[data-projection='order-totals']");
        browser.text("tr[data-projection='order-totals'] .badge", "live");
        assertThat(row.getText()).contains(String.format(Locale.US, "%,d", position));

        int before = applied.get();
        long eventsOfOrders = json(http.get("/all?category=order&limit=10000")).get("events").size();
        row.findElement(By.cssSelector("[data-action='rebuild']")).click();
        browser.visible("[data-action='confirm-rebuild']").click();
        browser.text("tr[data-projection='order-totals']", "rebuild started");
        orders.awaitPosition(position, Duration.ofSeconds(10));
        assertThat(applied.get() - before).isGreaterThanOrEqualTo((int) eventsOfOrders);   // every event applied again

        WebElement key = browser.visible("[data-role='key']");
        key.sendKeys("order-55\n");
        browser.text("[data-role='state']", "\"events\": 1");
        browser.screenshot("projections");
    }

    @Test
    void aLongStreamPagesBackToOlderEvents() {
        StringBuilder events = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            events.append(i == 0 ? "" : ",").append("{\"type\":\"Ticked\",\"data\":{\"n\":").append(i).append("}}");
        }
        assertThat(http.post("/streams/clock-1", events.append("]").toString()).statusCode()).isEqualTo(201);
        browser.open(server.uri() + "/#/streams/clock-1");
        browser.visible("#event-rows tr[data-version='59']");
        assertThat(browser.driver.findElements(By.cssSelector("#event-rows tr"))).hasSize(50);
        browser.visible("#older").click();
        browser.visible("#event-rows tr[data-version='0']");
        assertThat(browser.driver.findElements(By.cssSelector("#event-rows tr"))).hasSize(60);
        browser.await(d -> !d.findElement(By.id("older")).isDisplayed());
    }

    @Test
    void cdcPageExplainsWhatItIsWhenNothingRuns() {
        browser.open(server.uri() + "/#/cdc");
        browser.text(".empty h3", "No CDC sources");
        assertThat(browser.visible(".empty").getText()).contains("PostgreSQL or MySQL");
        browser.screenshot("cdc");
    }

    @Test
    void processorsPageShowsARunningProcessorMovingAndLooksUpItsState() throws Exception {
        long first = append(http, "order-500", "OrderPlaced", "{\"total\":\"1.00\"}");
        assertThat(processor.awaitPosition(first, Duration.ofSeconds(10))).isTrue();
        browser.open(server.uri() + "/#/cdc");
        browser.visible("#nav a[data-page='processors']").click();
        // The click's route change is asynchronous: wait for the active entry to follow it.
        assertThat(browser.text("#nav a.active", "Stream processors").getText()).isEqualTo("Stream processors");
        WebElement row = browser.visible("#processors tr[data-processor='order-counts']");
        assertThat(row.getText()).contains("running");
        browser.text("#processors tr[data-processor='order-counts'] [data-field='inputPosition']",
                String.format(Locale.US, "%,d", processor.status().inputPosition()));

        long second = append(http, "order-500", "OrderPaid", "{\"amount\":\"1.00\"}");   // the position moves live
        assertThat(processor.awaitPosition(second, Duration.ofSeconds(10))).isTrue();
        browser.text("#processors tr[data-processor='order-counts'] [data-field='inputPosition']",
                String.format(Locale.US, "%,d", processor.status().inputPosition()));

        WebElement store = browser.visible("form.lookup input[name='store']");
        assertThat(store.getAttribute("value")).isEqualTo("events");   // the processor's only store, filled in
        browser.visible("form.lookup input[name='key']").sendKeys("500");
        browser.visible("form.lookup button[type='submit']").click();
        WebElement result = browser.text("#processor-state", "\"value\": 2");
        assertThat(result.getText()).contains("\"store\": \"events\"", "\"key\": \"500\"");
        browser.screenshot("processors");

        browser.visible("form.lookup input[name='key']").clear();
        browser.visible("form.lookup input[name='key']").sendKeys("nobody");
        browser.visible("form.lookup button[type='submit']").click();
        browser.text("#processor-state", "no entry for key 'nobody'");
    }

    @Test
    void aggregatesPageShowsAnAuditTrailAndTravelsInTimeWithTheSlider() {
        StreamName stream = StreamName.of("account", "ada");
        accounts.handle(stream, new AccountCommand.OpenAccount("ada", "Ada Lovelace"));
        accounts.handle(stream, new AccountCommand.Deposit(new BigDecimal("100.00")));
        accounts.handle(stream, new AccountCommand.Withdraw(new BigDecimal("30.00")));
        browser.open(server.uri() + "/#/projections");
        browser.visible("#nav a[data-page='aggregates']").click();
        browser.visible("[data-aggregate='accounts'] a[data-instance='ada']").click();
        browser.text("h1.stream-name", "ada");

        // The timeline: every event, oldest first, with the state after it; the newest is selected.
        browser.visible("[data-role='timeline'] li[data-version='2'].selected");
        assertThat(browser.driver.findElements(By.cssSelector("[data-role='timeline'] li"))).hasSize(3);
        assertThat(browser.visible("[data-role='timeline'] li[data-version='1']").getText()).contains("MoneyDeposited");
        browser.text("[data-role='state']", "\"balance\": 70");

        // The slider travels back: the state is the server's load at that version.
        WebElement slider = browser.visible("[data-role='version-slider']");
        slider.sendKeys(org.openqa.selenium.Keys.ARROW_LEFT);
        browser.text("[data-role='state-caption']", "version 1");
        browser.text("[data-role='state']", "\"balance\": 100");
        browser.visible("[data-role='timeline'] li[data-version='2'].future");
        slider.sendKeys(org.openqa.selenium.Keys.ARROW_LEFT);
        browser.text("[data-role='state']", "\"balance\": 0");
        browser.text("[data-role='event']", "AccountOpened");
        browser.screenshot("aggregate");

        // A click on the timeline, then an instant: as of the deposit's time the balance is 100.00.
        browser.visible("[data-role='timeline'] li[data-version='2']").click();
        browser.text("[data-role='state']", "\"balance\": 70");
        String deposited = json(http.get("/aggregates/accounts/ada/audit")).get("entries").get(1).get("timestamp").asText();
        WebElement asOf = browser.visible("[data-role='as-of']");
        asOf.clear();
        asOf.sendKeys(deposited);
        browser.visible("[data-action='as-of']").click();
        browser.text("[data-role='state-caption']", "as of " + deposited);
        assertThat(browser.text("[data-role='state']", "\"balance\"").getText()).containsAnyOf("100", "70");

        // A new event arrives live and extends the trail.
        browser.text("h2 .badge", "live");
        accounts.handle(stream, new AccountCommand.Deposit(new BigDecimal("5.00")));
        assertThat(browser.visible("[data-role='timeline'] li[data-version='3']").getText()).contains("MoneyDeposited");
    }

    @Test
    void asksForTheTokenOfAProtectedServerAndSendsItOnCallsAndLiveStreams() {
        try (TributaryServer locked = TributaryServer.start(ServerConfig.builder(dir.resolve("locked")).port(0)
                .durability(Durability.none()).authToken("s3cret").build())) {
            Http authorized = new Http(locked.uri(), "s3cret");
            long head = append(authorized, "account-1", "Opened", "{}");
            browser.open(locked.uri() + "/");
            WebElement input = browser.visible("#token-input");
            browser.screenshot("token");
            input.sendKeys("wrong");
            browser.visible("#token-save").click();
            browser.text("#token-reason", "did not accept");
            input = browser.visible("#token-input");
            input.clear();
            input.sendKeys("s3cret");
            browser.visible("#token-save").click();

            browser.text("[data-card='Head position'] .card-value", String.format(Locale.US, "%,d", head));
            browser.text("#feed-state", "live");
            append(authorized, "account-2", "Opened", "{\"by\":\"token test\"}");
            browser.text("#live-feed li", "account-2");
        }
    }
}
