package io.tributary.examples.shop;

import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.examples.shop.ShopCommand.AddProduct;
import io.tributary.examples.shop.ShopCommand.CancelOrder;
import io.tributary.examples.shop.ShopCommand.PayOrder;
import io.tributary.examples.shop.ShopCommand.PlaceOrder;
import io.tributary.examples.shop.ShopCommand.RegisterCustomer;
import io.tributary.examples.shop.ShopCommand.ReleaseStock;
import io.tributary.examples.shop.ShopCommand.ReserveStock;
import io.tributary.examples.shop.ShopCommand.ShipOrder;
import io.tributary.examples.shop.ShopEvent.CustomerRegistered;
import io.tributary.examples.shop.ShopEvent.OrderCancelled;
import io.tributary.examples.shop.ShopEvent.OrderPaid;
import io.tributary.examples.shop.ShopEvent.OrderPlaced;
import io.tributary.examples.shop.ShopEvent.OrderShipped;
import io.tributary.examples.shop.ShopEvent.ProductAdded;
import io.tributary.examples.shop.ShopEvent.StockReleased;
import io.tributary.examples.shop.ShopEvent.StockReserved;
import io.tributary.examples.shop.ShopState.Customer;
import io.tributary.examples.shop.ShopState.Nothing;
import io.tributary.examples.shop.ShopState.Order;
import io.tributary.examples.shop.ShopState.Product;
import io.tributary.examples.shop.ShopState.Status;
import java.math.BigDecimal;

/**
 * The shop's write model as one decider over customer, product and order streams: the rules
 * (stock never negative, the quoted price must be the current price, the order state machine)
 * and how each event changes a stream's state.
 */
public final class Shop implements Decider<ShopCommand, ShopState, ShopEvent> {

    /** The codec of shop events: explicit type names, exact JSON money. */
    public static EventCodec<ShopEvent> codec() {
        return EventCodec.builder(ShopEvent.class)
                .register(CustomerRegistered.class, "CustomerRegistered")
                .register(ProductAdded.class, "ProductAdded")
                .register(StockReserved.class, "StockReserved")
                .register(StockReleased.class, "StockReleased")
                .register(OrderPlaced.class, "OrderPlaced")
                .register(OrderPaid.class, "OrderPaid")
                .register(OrderShipped.class, "OrderShipped")
                .register(OrderCancelled.class, "OrderCancelled")
                .build();
    }

    @Override
    public ShopState initialState() {
        return new Nothing();
    }

    @Override
    public Decision<ShopEvent> decide(ShopCommand command, ShopState state) {
        if (command instanceof RegisterCustomer c) {
            return state instanceof Nothing ? Decision.accept(new CustomerRegistered(c.customerId(), c.name()))
                    : Decision.reject("customer " + c.customerId() + " is already registered");
        }
        if (command instanceof AddProduct p) {
            if (!(state instanceof Nothing)) {
                return Decision.reject("product " + p.productId() + " already exists");
            }
            if (p.price().signum() <= 0 || p.stock() < 0) {
                return Decision.reject("a product needs a positive price and a stock of at least 0");
            }
            return Decision.accept(new ProductAdded(p.productId(), p.name(), p.price(), p.stock()));
        }
        if (command instanceof ReserveStock r) {
            if (!(state instanceof Product p)) {
                return Decision.reject("product " + r.productId() + " does not exist");
            }
            if (r.quantity() < 1) {
                return Decision.reject("order " + r.orderId() + " asks for " + r.quantity() + " of " + p.name() + "; at least 1");
            }
            if (p.price().compareTo(r.quotedPrice()) != 0) {
                return Decision.reject("the price of " + p.name() + " is " + p.price() + ", not " + r.quotedPrice());
            }
            if (p.stock() < r.quantity()) {
                return Decision.reject("only " + p.stock() + " of " + p.name() + " in stock, " + r.quantity() + " ordered");
            }
            return Decision.accept(new StockReserved(r.productId(), r.orderId(), r.quantity()));
        }
        if (command instanceof ReleaseStock r) {
            return state instanceof Product ? Decision.accept(new StockReleased(r.productId(), r.orderId(), r.quantity()))
                    : Decision.reject("product " + r.productId() + " does not exist");
        }
        if (command instanceof PlaceOrder p) {
            if (!(state instanceof Nothing)) {
                return Decision.reject("order " + p.orderId() + " already exists");
            }
            if (p.lines().isEmpty()) {
                return Decision.reject("an order needs at least one line");
            }
            BigDecimal total = p.lines().stream().map(OrderLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            return Decision.accept(new OrderPlaced(p.orderId(), p.customerId(), p.lines(), total));
        }
        if (!(state instanceof Order o)) {
            return Decision.reject("there is no such order");
        }
        if (command instanceof PayOrder pay) {
            if (o.status() != Status.PLACED) {
                return Decision.reject("order " + o.orderId() + " is " + o.status() + "; only a PLACED order can be paid");
            }
            return pay.amount().compareTo(o.total()) == 0 ? Decision.accept(new OrderPaid(o.orderId(), pay.amount()))
                    : Decision.reject("order " + o.orderId() + " costs " + o.total() + ", not " + pay.amount());
        }
        if (command instanceof ShipOrder) {
            return o.status() == Status.PAID ? Decision.accept(new OrderShipped(o.orderId()))
                    : Decision.reject("order " + o.orderId() + " is " + o.status() + "; only a PAID order can be shipped");
        }
        CancelOrder cancel = (CancelOrder) command;
        return o.status() == Status.PLACED || o.status() == Status.PAID
                ? Decision.accept(new OrderCancelled(o.orderId(), cancel.reason(), o.lines()))
                : Decision.reject("order " + o.orderId() + " is " + o.status() + "; it can no longer be cancelled");
    }

    @Override
    public ShopState evolve(ShopState state, ShopEvent event) {
        if (event instanceof CustomerRegistered c) {
            return new Customer(c.customerId(), c.name());
        }
        if (event instanceof ProductAdded p) {
            return new Product(p.productId(), p.name(), p.price(), p.stock());
        }
        if (event instanceof StockReserved r && state instanceof Product p) {
            return new Product(p.productId(), p.name(), p.price(), p.stock() - r.quantity());
        }
        if (event instanceof StockReleased r && state instanceof Product p) {
            return new Product(p.productId(), p.name(), p.price(), p.stock() + r.quantity());
        }
        if (event instanceof OrderPlaced o) {
            return new Order(o.orderId(), o.customerId(), o.lines(), o.total(), Status.PLACED);
        }
        if (state instanceof Order o) {
            if (event instanceof OrderPaid) {
                return o.with(Status.PAID);
            }
            if (event instanceof OrderShipped) {
                return o.with(Status.SHIPPED);
            }
            if (event instanceof OrderCancelled) {
                return o.with(Status.CANCELLED);
            }
        }
        return state;
    }
}
