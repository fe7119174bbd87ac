package io.tributary.testkit;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A task the contract runs on its own daemon thread (a concurrent writer, a blocked poller),
 * with its outcome as a future and its thread visible so a test can wait until it blocks.
 *
 * @param thread the thread running the task
 * @param result completes with the task's value or exception
 * @param <T>    the task's value
 */
record Background<T>(Thread thread, CompletableFuture<T> result) {

    static <T> Background<T> start(String name, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "contract-" + name);
        thread.setDaemon(true);
        thread.start();
        return new Background<>(thread, result);
    }

    /** True while the thread is parked: waiting on a lock, a condition or a timed wait. */
    boolean isWaiting() {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }
}
