package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default methods of {@link EventStore} delegate to the abstract ones with the right arguments. */
class EventStoreDefaultsTest {
    private final List<String> calls = new ArrayList<>();
    private final List<Object[]> arguments = new ArrayList<>();

    /** A store whose abstract methods only record their call and return null. */
    private final EventStore store = (EventStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {EventStore.class}, this::handle);

    private Object handle(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        calls.add(method.getName());
        arguments.add(args);
        return null;
    }

    @Test
    void varargsAppendPassesTheEventsAsAList() {
        StreamName stream = StreamName.of("account-1");
        EventData a = EventData.of("A", new byte[0]);
        EventData b = EventData.of("B", new byte[0]);

        store.append(stream, ExpectedVersion.noStream(), a, b);

        assertThat(calls).containsExactly("append");
        assertThat(Arrays.asList(arguments.get(0))).containsExactly(stream, ExpectedVersion.noStream(), List.of(a, b));
    }

    @Test
    void varargsAppendRejectsNullEventsWithInvalidRequest() {
        StreamName stream = StreamName.of("account-1");

        assertThatThrownBy(() -> store.append(stream, ExpectedVersion.any(), EventData.of("A", new byte[0]), null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("null event");
        assertThatThrownBy(() -> store.append(stream, ExpectedVersion.any(), (EventData[]) null))
                .isInstanceOf(InvalidRequestException.class);
        assertThat(calls).isEmpty();
    }

    @Test
    void readCategoryIsAFilteredReadAll() {
        store.readCategory("order", 5, 10, Direction.BACKWARD);

        assertThat(calls).containsExactly("readAll");
        assertThat(Arrays.asList(arguments.get(0))).containsExactly(5L, 10, Direction.BACKWARD, ReadFilter.categories("order"));
    }

    @Test
    void subscribeToCategoryIsAFilteredSubscribeToAll() {
        store.subscribeToCategory("order", 42);

        assertThat(calls).containsExactly("subscribeToAll");
        assertThat(Arrays.asList(arguments.get(0))).containsExactly(42L, ReadFilter.categories("order"));
    }
}
