package io.tributary.streams.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A point of the topology that operators attach to: a blueprint, instantiated once per
 * {@link Task} (so a node with two parents, after {@code merge}, still has one state).
 *
 * @param <K> the key type of the records leaving this point
 * @param <V> the value type
 */
public final class Node<K, V> {
    private final List<Function<Task, Processor<K, V>>> children = new ArrayList<>();

    /** Attaches an operator; {@code factory} builds it for a task. */
    public void attach(Function<Task, Processor<K, V>> factory) {
        children.add(factory);
    }

    /** Whether no operator is attached (its records go nowhere). */
    public boolean isEmpty() {
        return children.isEmpty();
    }

    /** This node's processor in {@code task}: a fan-out to the children's processors. */
    public Processor<K, V> instantiate(Task task) {
        return task.instance(this, () -> {
            List<Processor<K, V>> built = new ArrayList<>(children.size());
            for (Function<Task, Processor<K, V>> child : children) {
                built.add(child.apply(task));
            }
            if (built.isEmpty()) {
                return (k, v, ts) -> { };
            }
            if (built.size() == 1) {
                return built.get(0);
            }
            List<Processor<K, V>> all = List.copyOf(built);
            return (k, v, ts) -> {
                for (Processor<K, V> p : all) {
                    p.process(k, v, ts);
                }
            };
        });
    }
}
