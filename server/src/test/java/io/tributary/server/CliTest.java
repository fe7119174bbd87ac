package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executable's argument handling and exit codes, run in-process. */
class CliTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TributaryCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Nested
    class Usage {
        @Test
        void helpListsTheCommandsAndExitsZero() {
            Result r = run("--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("serve", "demo", "tour", "bank", "example", "cdc-example", "verify", "append", "read", "tail", "streams", "projections", "processors", "cdc", "bench");
        }

        @Test
        void everyCommandHasHelp() {
            for (String command : new String[] {"serve", "demo", "tour", "bank", "example", "cdc-example", "verify", "append", "read", "tail", "streams", "projections", "processors", "cdc", "bench"}) {
                Result r = run(command, "--help");
                assertThat(r.code()).as(command).isZero();
                assertThat(r.out()).as(command).contains("Usage: tributary " + command);
            }
            assertThat(run("serve", "--help").out()).contains("--data", "--port", "--bind", "--auth-token", "--config");
            assertThat(run("processors", "--help").out()).contains("--store", "--key", "--at-least", "--url");
        }

        @Test
        void runsAnExampleAndRefusesAnUnknownOne(@TempDir Path dir) {
            assertThat(run("example", "personalization", "--data", dir.toString()).code()).isZero();
            assertThat(dir.resolve("log")).isDirectory();
            Result unknown = run("example", "weather");
            assertThat(unknown.code()).isEqualTo(2);
            assertThat(unknown.err()).contains("weather", "activity", "iot", "personalization");
            assertThat(run("example").code()).isEqualTo(2);
        }

        @Test
        void cdcExampleRefusesADataDirectoryThatIsNotEmpty(@TempDir Path dir) throws Exception {
            Files.writeString(dir.resolve("keep.txt"), "mine");
            Result r = run("cdc-example", "--data", dir.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("is not empty");
            try (var files = Files.list(dir)) {
                assertThat(files).containsExactly(dir.resolve("keep.txt"));
            }
        }

        @Test
        void noCommandIsAUsageError() {
            Result r = run();
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("missing command");
        }

        @Test
        void anUnknownCommandOrOptionIsAUsageError() {
            assertThat(run("frobnicate").code()).isEqualTo(2);
            Result r = run("serve", "--no-such-option");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--no-such-option");
        }

        @Test
        void badFlagValuesAreUsageErrorsNamingTheFlag() {
            Result notNumber = run("serve", "--port", "abc");
            assertThat(notNumber.code()).isEqualTo(2);
            assertThat(notNumber.err()).contains("--port");
            Result outOfRange = run("serve", "--port", "70000");
            assertThat(outOfRange.code()).isEqualTo(2);
            assertThat(outOfRange.err()).contains("port");
            Result durability = run("serve", "--durability", "sometimes");
            assertThat(durability.code()).isEqualTo(2);
            assertThat(durability.err()).contains("durability");
            assertThat(run("verify").code()).isEqualTo(2);
            assertThat(run("append", "a-1").code()).isEqualTo(2);
            assertThat(run("read", "--limit", "many").code()).isEqualTo(2);
            Result rate = run("demo", "--rate", "-1");
            assertThat(rate.code()).isEqualTo(2);
            assertThat(rate.err()).contains("--rate");
            assertThat(run("demo", "--port", "70000").err()).contains("port");
            assertThat(run("projections", "--key", "k").code()).isEqualTo(2);
        }
    }

    @Nested
    class Config {
        @Test
        void anUnknownKeyFailsAtStartNamingTheKey(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("tributary.yaml");
            Files.writeString(file, "port: 0\nprot: 7070\n");
            Result r = run("serve", "--config", file.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("'prot'");
        }

        @Test
        void aValueOfTheWrongKindFailsNamingTheKey(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("tributary.yaml");
            Files.writeString(file, "maxEventBytes: lots\n");
            Result r = run("serve", "--config", file.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("'maxEventBytes'");
            Files.writeString(file, "durability: sometimes\n");
            assertThat(run("serve", "--config", file.toString()).err()).contains("'durability'");
        }

        @Test
        void aMissingFileFails(@TempDir Path dir) {
            Result r = run("serve", "--config", dir.resolve("absent.yaml").toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("absent.yaml");
        }
    }

    @Nested
    class Bench {
        @Test
        void measuresAppendsBesideTheRawLoopAndReadsAndCleansUp(@TempDir Path dir) {
            Result r = run("bench", "--events", "3000", "--batch", "100", "--data", dir.resolve("b").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("3,000 events of 200 bytes in appends of 100, durability fsync")
                    .containsPattern("append +[0-9,]+ events/s +batch latency p50 [0-9.]+ ms, p99 [0-9.]+ ms")
                    .containsPattern("raw loop +[0-9,]+ events/s .*Tributary at [0-9.]+x")
                    .containsPattern("read \\$all +[0-9,]+ events/s");
            assertThat(run("verify", "--data", dir.resolve("b").resolve("store").toString()).out()).contains("3000 events");
        }

        @Test
        void refusesBadArgumentsBeforeWritingAnything(@TempDir Path dir) throws Exception {
            assertThat(run("bench", "--events", "0").err()).contains("--events must be between 1 and 100000000, got 0");
            assertThat(run("bench", "--batch", "20000").code()).isEqualTo(2);
            assertThat(run("bench", "--durability", "sometimes").err()).contains("--durability");
            java.nio.file.Files.writeString(dir.resolve("keep.txt"), "mine");
            Result r = run("bench", "--data", dir.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("is not empty");
            assertThat(dir.resolve("store")).doesNotExist();
        }
    }

    @Nested
    class Verify {
        @Test
        void aMissingDirectoryIsAUsageError(@TempDir Path dir) {
            Result r = run("verify", "--data", dir.resolve("nope").toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("not a directory");
        }
    }
}
