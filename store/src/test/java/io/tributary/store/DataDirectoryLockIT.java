package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.tributary.core.Direction;
import io.tributary.core.StreamName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's lock works across processes: one store per directory, released on close or death. */
class DataDirectoryLockIT {
    private static final long TIMEOUT_MS = 60_000;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("data");
    }

    private StoreConfig config() {
        return CrashWorkload.config(dir(), Durability.fsync(), 1000);
    }

    /** Starts a child that opens the store, appends one event and holds the directory. */
    private ChildJvm startHolder() throws Exception {
        ChildJvm child = ChildJvm.start(tmp.resolve("holder"), List.of("hold", dir().toString()));
        awaitLine(child, "READY");
        return child;
    }

    private static void awaitLine(ChildJvm child, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (true) {
            Optional<String> line = child.nextLine(deadline);
            if (line == null || line.isEmpty()) {
                fail("the child did not print %s (%s); %s", prefix, line == null ? "timeout" : "its output ended",
                        child.describe());
            }
            if (line.get().startsWith(prefix)) {
                return;
            }
            if (line.get().startsWith("E ")) {
                fail("the child failed: %s; %s", line.get(), child.describe());
            }
        }
    }

    private void assertOpensWithTheHoldersEvent() {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.readStream(StreamName.of("lock-probe"), 0, 10, Direction.FORWARD).events()).hasSize(1);
        }
    }

    @Nested
    class WhileAnotherProcessHoldsTheDirectory {
        @Test
        void rejectsOpenWithAClearMessage() throws Exception {
            try (ChildJvm holder = startHolder()) {
                assertThatThrownBy(() -> Tributary.open(config()))
                        .isInstanceOf(DataDirectoryLockedException.class)
                        .hasMessageContaining(dir().toString())
                        .hasMessageContaining("in use by another Tributary store")
                        .hasMessageContaining("close that store or use another directory");
                assertThat(holder.isAlive()).as("the holder is unaffected by the rejected open").isTrue();
            }
        }

        @Test
        void rejectsTheOfflineVerifier() throws Exception {
            try (ChildJvm holder = startHolder()) {
                assertThatThrownBy(() -> Verifier.verify(dir())).isInstanceOf(DataDirectoryLockedException.class);
                assertThat(holder.isAlive()).isTrue();
            }
        }
    }

    @Nested
    class OnceTheOtherProcessLetsGo {
        @Test
        void opensAfterACleanCloseWhileThatProcessStillRuns() throws Exception {
            try (ChildJvm holder = startHolder()) {
                holder.send("close");
                awaitLine(holder, "CLOSED");
                assertThat(holder.isAlive()).as("the holder process is still running").isTrue();

                assertOpensWithTheHoldersEvent();

                holder.send("exit");
                assertThat(holder.awaitExit(TIMEOUT_MS)).as("exit code of the holder; %s", holder.describe()).isZero();
            }
        }

        @Test
        void opensAfterTheHolderIsKilled() throws Exception {
            try (ChildJvm holder = startHolder()) {
                assertThat(holder.kill()).isEqualTo(ChildJvm.SIGKILL_EXIT);

                assertOpensWithTheHoldersEvent();
            }
        }
    }
}
