package io.tributary.examples.shop;

import io.tributary.core.EventStore;
import io.tributary.core.StreamName;
import io.tributary.cqrs.CommandBus;
import io.tributary.cqrs.CommandOutcome;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.MultiCommandResult;
import io.tributary.eventsourcing.StreamCommand;
import io.tributary.examples.shop.ShopCommand.AddProduct;
import io.tributary.examples.shop.ShopCommand.CancelOrder;
import io.tributary.examples.shop.ShopCommand.PayOrder;
import io.tributary.examples.shop.ShopCommand.PlaceOrder;
import io.tributary.examples.shop.ShopCommand.RegisterCustomer;
import io.tributary.examples.shop.ShopCommand.ReleaseStock;
import io.tributary.examples.shop.ShopCommand.ReserveStock;
import io.tributary.examples.shop.ShopCommand.ShipOrder;
import io.tributary.examples.shop.ShopState.Customer;
import io.tributary.examples.shop.ShopState.Order;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shop's write side: a {@link CommandBus} over the {@link Shop} decider. Simple commands
 * are routed to one stream; placing and cancelling an order change the order and the stock of
 * its products in one atomic multi-stream append, so stock can never be sold twice.
 */
public final class ShopService {
    private final AggregateRepository<ShopCommand, ShopState, ShopEvent> repository;
    private final CommandBus bus;

    /** The write side on {@code store}. */
    public ShopService(EventStore store) {
        this.repository = AggregateRepository.builder(store, new Shop(), Shop.codec()).build();
        this.bus = CommandBus.builder()
                .route(RegisterCustomer.class, c -> customer(c.customerId()), repository)
                .route(AddProduct.class, c -> product(c.productId()), repository)
                .route(PayOrder.class, c -> order(c.orderId()), repository)
                .route(ShipOrder.class, c -> order(c.orderId()), repository)
                .handler(PlaceOrder.class, this::place)
                .handler(CancelOrder.class, this::cancel)
                .build();
    }

    /** Handles a command; the outcome carries the consistency token of the write. */
    public CommandOutcome handle(ShopCommand command) {
        return bus.dispatch(command);
    }

    static StreamName customer(String id) {
        return StreamName.of("customer", id);
    }

    static StreamName product(String id) {
        return StreamName.of("product", id);
    }

    static StreamName order(String id) {
        return StreamName.of("order", id);
    }

    private CommandOutcome place(PlaceOrder command) {
        StreamName orderStream = order(command.orderId());
        if (!(repository.load(customer(command.customerId())).state() instanceof Customer)) {
            return new CommandOutcome.Rejected(orderStream, "customer " + command.customerId() + " is not registered");
        }
        // One reservation per product (a stream may appear once per atomic append).
        Map<String, ReserveStock> reservations = new LinkedHashMap<>();
        for (OrderLine line : command.lines()) {
            ReserveStock previous = reservations.get(line.productId());
            if (previous != null && previous.quotedPrice().compareTo(line.unitPrice()) != 0) {
                return new CommandOutcome.Rejected(orderStream, "product " + line.productId() + " is quoted at two prices");
            }
            int quantity = line.quantity() + (previous == null ? 0 : previous.quantity());
            reservations.put(line.productId(), new ReserveStock(line.productId(), command.orderId(), quantity, line.unitPrice()));
        }
        List<StreamCommand<ShopCommand>> commands = new ArrayList<>();
        commands.add(StreamCommand.of(orderStream, command));
        reservations.values().forEach(r -> commands.add(StreamCommand.of(product(r.productId()), r)));
        return outcome(orderStream, repository.handleAll(commands));
    }

    private CommandOutcome cancel(CancelOrder command) {
        StreamName orderStream = order(command.orderId());
        if (!(repository.load(orderStream).state() instanceof Order o)) {
            return new CommandOutcome.Rejected(orderStream, "there is no order " + command.orderId());
        }
        Map<String, Integer> units = new LinkedHashMap<>();
        o.lines().forEach(l -> units.merge(l.productId(), l.quantity(), Integer::sum));
        List<StreamCommand<ShopCommand>> commands = new ArrayList<>();
        commands.add(StreamCommand.of(orderStream, command));
        units.forEach((productId, quantity) ->
                commands.add(StreamCommand.of(product(productId), new ReleaseStock(productId, o.orderId(), quantity))));
        return outcome(orderStream, repository.handleAll(commands));
    }

    private static CommandOutcome outcome(StreamName orderStream, MultiCommandResult<ShopState, ShopEvent> result) {
        if (result instanceof MultiCommandResult.Accepted<ShopState, ShopEvent> a) {
            List<Object> events = new ArrayList<>();
            a.results().forEach(r -> events.addAll(r.events()));
            return new CommandOutcome.Accepted(orderStream, a.results().get(0).version(), a.position(), events);
        }
        MultiCommandResult.Rejected<ShopState, ShopEvent> r = (MultiCommandResult.Rejected<ShopState, ShopEvent>) result;
        return new CommandOutcome.Rejected(r.stream(), r.reason());
    }

    /** The money type used for prices (kept at two decimals). */
    static BigDecimal money(String amount) {
        return new BigDecimal(amount);
    }
}
