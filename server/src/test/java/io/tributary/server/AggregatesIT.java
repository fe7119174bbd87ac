package io.tributary.server;

import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.CommandResult;
import io.tributary.examples.bank.Account;
import io.tributary.examples.bank.AccountCommand;
import io.tributary.examples.bank.AccountCommand.Deposit;
import io.tributary.examples.bank.AccountCommand.OpenAccount;
import io.tributary.examples.bank.AccountCommand.Withdraw;
import io.tributary.examples.bank.AccountEvent;
import io.tributary.examples.bank.BankAccount;
import io.tributary.store.Durability;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Served aggregates over real HTTP: a bank account's audit trail (each event with the state after
 * it), its state at a version and as of an instant, and every bad request answered with a 4xx
 * that says what was wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregatesIT {
    @TempDir
    static Path dir;
    TributaryServer server;
    Http http;
    AggregateRepository<AccountCommand, Account, AccountEvent> accounts;
    /** When each event of account-a1 was recorded, by version. */
    List<Instant> recorded;

    @BeforeAll
    void start() throws Exception {
        server = TributaryServer.start(ServerConfig.builder(dir).port(0).durability(Durability.none()).build());
        http = new Http(server.uri());
        accounts = AggregateRepository.builder(server.store(), new BankAccount(), BankAccount.codec()).build();
        server.serve(ServedAggregate.of("accounts", "account", accounts, BankAccount.codec()));
        StreamName a1 = StreamName.of("account", "a1");
        for (AccountCommand c : List.of(new OpenAccount("a1", "Ada"), new Deposit(new BigDecimal("100.00")),
                new Withdraw(new BigDecimal("30.00")), new Deposit(new BigDecimal("5.50")))) {
            assertThat(accounts.handle(a1, c)).isInstanceOf(CommandResult.Accepted.class);
            Thread.sleep(5); // distinct millisecond timestamps, so every version has its own instant
        }
        recorded = accounts.auditTrail(a1).stream().map(e -> e.timestamp()).toList();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void listsTheServedAggregates() {
        JsonNode list = json(http.get("/aggregates"));
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("accounts");
        assertThat(list.get(0).get("category").asText()).isEqualTo("account");
        assertThat(list.get(0).get("eventTypes").toString()).contains("MoneyDeposited", "AccountOpened");
        assertThat(json(http.get("/aggregates/accounts")).get("category").asText()).isEqualTo("account");
    }

    @Test
    void auditTrailHasEveryEventWithTheStateAfterIt() {
        HttpResponse<String> response = http.get("/aggregates/accounts/a1/audit");
        assertThat(response.body()).contains("\"amount\":100.00");   // exact, as stored
        JsonNode trail = json(response);
        assertThat(trail.get("stream").asText()).isEqualTo("account-a1");
        assertThat(trail.get("lastVersion").asLong()).isEqualTo(3);
        JsonNode entries = trail.get("entries");
        assertThat(entries.findValuesAsText("type")).containsExactly("AccountOpened", "MoneyDeposited", "MoneyWithdrawn",
                "MoneyDeposited");
        assertThat(entries.get(1).get("event").get("amount").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(entries.get(0).get("state").get("balance").decimalValue()).isEqualByComparingTo("0");
        assertThat(entries.get(1).get("state").get("balance").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(entries.get(2).get("state").get("balance").decimalValue()).isEqualByComparingTo("70.00");
        assertThat(entries.get(3).get("state").get("balance").decimalValue()).isEqualByComparingTo("75.50");
        assertThat(entries.get(3).get("state").get("status").asText()).isEqualTo("OPEN");
        assertThat(entries.get(3).get("stateType").asText()).isEqualTo("Account");
        for (int v = 0; v < 4; v++) {
            assertThat(entries.get(v).get("version").asLong()).isEqualTo(v);
            assertThat(Instant.parse(entries.get(v).get("timestamp").asText())).isEqualTo(recorded.get(v).truncatedTo(
                    java.time.temporal.ChronoUnit.MILLIS));
        }
        assertThat(entries.get(1).get("position").asLong()).isGreaterThan(entries.get(0).get("position").asLong());
    }

    @Test
    void auditTrailPagesWithFromAndLimit() {
        JsonNode page = json(http.get("/aggregates/accounts/a1/audit?from=1&limit=2"));
        assertThat(page.get("entries").findValuesAsText("version")).containsExactly("1", "2");
        assertThat(page.get("next").asLong()).isEqualTo(3);
        assertThat(json(http.get("/aggregates/accounts/a1/audit?from=3")).get("next").isNull()).isTrue();
    }

    @Test
    void currentStateAndStateAtAVersion() {
        JsonNode now = json(http.get("/aggregates/accounts/a1"));
        assertThat(now.get("version").asLong()).isEqualTo(3);
        assertThat(now.get("state").get("balance").decimalValue()).isEqualByComparingTo("75.50");
        assertThat(now.get("state").get("owner").asText()).isEqualTo("Ada");

        JsonNode atOne = json(http.get("/aggregates/accounts/a1?version=1"));
        assertThat(atOne.get("version").asLong()).isEqualTo(1);
        assertThat(atOne.get("requestedVersion").asLong()).isEqualTo(1);
        assertThat(atOne.get("state").get("balance").decimalValue()).isEqualByComparingTo("100.00");
        // Past the end: the current state, and the version says which one it is.
        assertThat(json(http.get("/aggregates/accounts/a1?version=99")).get("version").asLong()).isEqualTo(3);
    }

    @Test
    void stateAsOfAnInstant() {
        for (int v = 0; v < 4; v++) {
            JsonNode then = json(http.get("/aggregates/accounts/a1?asOf=" + recorded.get(v)));
            assertThat(then.get("version").asLong()).as("as of the instant of version %d", v).isEqualTo(v);
        }
        JsonNode afterWithdrawal = json(http.get("/aggregates/accounts/a1?asOf=" + recorded.get(2).plusMillis(1)));
        assertThat(afterWithdrawal.get("state").get("balance").decimalValue()).isEqualByComparingTo("70.00");
        JsonNode before = json(http.get("/aggregates/accounts/a1?asOf=" + recorded.get(0).minusSeconds(60)));
        assertThat(before.get("version").asLong()).isEqualTo(-1);
        assertThat(before.get("state").get("status").asText()).isEqualTo("NOT_OPENED");
    }

    @Nested
    class RefusesBadRequests {
        void refused(String path, int status, String code, String messagePart) {
            HttpResponse<String> r = http.get(path);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
            assertThat(json(r).get("error").asText()).isEqualTo(code);
            assertThat(json(r).get("message").asText()).contains(messagePart);
        }

        @Test
        void unknownAggregateOrInstance() {
            refused("/aggregates/wallets/a1", 404, "not_found", "no aggregate named 'wallets'");
            refused("/aggregates/accounts/nobody", 404, "not_found", "no instance 'nobody'");
            refused("/aggregates/accounts/nobody/audit", 404, "not_found", "account-nobody has no events");
        }

        @Test
        void badVersionOrInstant() {
            refused("/aggregates/accounts/a1?version=two", 400, "bad_request", "version");
            refused("/aggregates/accounts/a1?version=-1", 400, "bad_request", "version");
            refused("/aggregates/accounts/a1?asOf=yesterday", 400, "bad_request", "asOf must be an ISO-8601 instant");
            refused("/aggregates/accounts/a1?version=1&asOf=2026-01-01T00:00:00Z", 400, "bad_request", "either version or asOf");
            refused("/aggregates/accounts/a1/audit?limit=0", 400, "bad_request", "limit");
        }

        @Test
        void anEventTheCodecCannotRead() {
            assertThat(http.post("/streams/account-foreign", "[{\"type\":\"SomethingElse\",\"data\":{}}]").statusCode())
                    .isEqualTo(201);
            refused("/aggregates/accounts/foreign", 422, "not_decodable", "SomethingElse");
        }
    }

    @Test
    void refusesASecondAggregateOfTheSameNameAndBadNames() {
        assertThatThrownBy(() -> server.serve(ServedAggregate.of("accounts", "account", accounts, BankAccount.codec())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already served");
        assertThatThrownBy(() -> ServedAggregate.of("my accounts", "account", accounts, BankAccount.codec()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aggregate name");
        assertThatThrownBy(() -> ServedAggregate.of("accounts", "bank-account", accounts, BankAccount.codec()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("category");
    }
}
