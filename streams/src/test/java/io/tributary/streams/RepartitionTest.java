package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitioned runs of topologies whose state reads re-keyed streams ({@code selectKey},
 * {@code groupBy}, {@code map}, a stream–table join after a re-key): the router sends each record to
 * the partition of its new key, so the outputs equal, per key and as a multiset, those of the test
 * driver and of a one-partition run.
 */
class RepartitionTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private List<String> run(EmbeddedEventStore store, String out, ProcessorConfig config) throws InterruptedException {
        long last = store.headPosition();
        try (StreamProcessor p = StreamProcessor.start(store, RekeyedTopology.build(out), config)) {
            assertThat(p.awaitPosition(last, WAIT)).as("caught up to %d: %s", last, p.status()).isTrue();
            assertThat(p.status().lateEvents()).isZero();
        }
        return RekeyedTopology.outputsByKey(store, out);
    }

    /** How many of processor {@code name}'s repartition streams have a {@code truncateBefore}. */
    static int truncatedStreams(EmbeddedEventStore store, String name) {
        int n = 0;
        for (int i = 0; i < 8; i++) {
            if (store.getStreamMetadata(StreamName.of("tributary.repartition-" + name + "/" + i)).truncateBefore().isPresent()) {
                n++;
            }
        }
        return n;
    }

    @Nested
    class OutputsEqualOneTask {
        @Test
        void onHeapStateInThreePartitions() throws Exception {
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 11, 3_000);
                RekeyedTopology.appendTicks(store);
                List<String> expected = RekeyedTopology.driverByKey(store, "out");
                assertThat(expected).anyMatch(o -> o.startsWith("out-window")).anyMatch(o -> o.startsWith("out-sum"))
                        .anyMatch(o -> o.startsWith("out-joined")).anyMatch(o -> o.startsWith("out-raw"));
                assertThat(run(store, "one", ProcessorConfig.of("one")))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "one-")).toList());
                assertThat(run(store, "three", ProcessorConfig.of("three").withPartitions(3)))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "three-")).toList());
            }
        }

        @Test
        void onRocksDbStateInFourPartitionsAcrossARestart() throws Exception {
            ProcessorConfig config = ProcessorConfig.of("four").withPartitions(4).withMaxBatchEvents(50)
                    .withState(StateBackend.rocksDb(dir.resolve("state")));
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 12, 1_500);
                long firstHalf = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, RekeyedTopology.build("four"), config)) {
                    assertThat(p.awaitPosition(firstHalf, WAIT)).as("caught up: %s", p.status()).isTrue();
                }
                RekeyedTopology.appendInput(store, 13, 1_500);
                RekeyedTopology.appendTicks(store);
                long last = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, RekeyedTopology.build("four"), config)) {
                    assertThat(p.status().inputPosition()).as("resumes from its checkpoints").isGreaterThan(0);
                    assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                    try (TopologyTestDriver d = new TopologyTestDriver(RekeyedTopology.build("x"), "x")) {
                        // the re-keyed stores answer in the partition of the new key
                        assertThat(p.query("bySecond", "s3")).isPresent();
                        assertThat(p.query("names", "g4")).contains("group 4");
                        assertThat(d.storeNames()).containsExactlyInAnyOrderElementsOf(p.storeNames());
                    }
                }
                List<String> expected = RekeyedTopology.driverByKey(store, "out");
                assertThat(RekeyedTopology.outputsByKey(store, "four"))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "four-")).toList());
            }
        }

        @Test
        void aSingleStoreQueryMatchesTheDriver() throws Exception {
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 14, 2_000);
                long last = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, RekeyedTopology.build("q"),
                        ProcessorConfig.of("q").withPartitions(2).withState(StateBackend.rocksDb(dir.resolve("state"))));
                     TopologyTestDriver d = new TopologyTestDriver(RekeyedTopology.build("q"), "q")) {
                    assertThat(p.awaitPosition(last, WAIT)).isTrue();
                    RekeyedTopology.inputs(store).forEach(d::pipe);
                    for (int s = 0; s < 5; s++) {
                        assertThat(p.query("bySecond", "s" + s)).as("s%d", s).isEqualTo(d.query("bySecond", "s" + s));
                    }
                }
            }
        }
    }

    @Test
    void lateEventsAreJudgedAsInOneTask() throws Exception {
        // A partition first moves to the processor-wide watermark before each event it is sent,
        // so an event is late in a partition exactly when it is late in one task.
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            RekeyedTopology.appendInput(store, 15, 3_000, 25);
            RekeyedTopology.appendTicks(store);
            long last = store.headPosition();
            long late;
            try (TopologyTestDriver d = new TopologyTestDriver(RekeyedTopology.build("out"), "driver")) {
                RekeyedTopology.inputs(store).forEach(d::pipe);
                late = d.lateEvents();
            }
            assertThat(late).as("late events in one task").isGreaterThan(50);
            try (StreamProcessor p = StreamProcessor.start(store, RekeyedTopology.build("late"),
                    ProcessorConfig.of("late").withPartitions(3).withMaxBatchEvents(7))) {
                assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                assertThat(p.status().lateEvents()).isEqualTo(late);
            }
            assertThat(RekeyedTopology.outputsByKey(store, "late"))
                    .isEqualTo(RekeyedTopology.driverByKey(store, "out").stream().map(o -> o.replaceFirst("^out-", "late-")).toList());
        }
    }

    @Test
    void anEventBehindAWatermarkItsPartitionWasNotSentIsLateAsInOneTask() throws Exception {
        // The tick moves the processor's watermark past the click's window but reaches no partition
        // (it has no records and is not at a broadcast position): the click's partition must still
        // judge the second click against the watermark before it, as one task does.
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            RekeyedTopology.appendInput(store, 16, 0);
            store.append(StreamName.of("click", "u1"), ExpectedVersion.any(),
                    EventData.of("Clicked", RekeyedTopology.utf8("1000000"))).join();
            store.append(StreamName.of("tick", "t"), ExpectedVersion.any(),
                    EventData.of("Tick", RekeyedTopology.utf8("1030000"))).join();
            store.append(StreamName.of("click", "u1"), ExpectedVersion.any(),
                    EventData.of("Clicked", RekeyedTopology.utf8("1005000"))).join();
            RekeyedTopology.appendTicks(store);
            long last = store.headPosition();
            try (TopologyTestDriver d = new TopologyTestDriver(RekeyedTopology.build("out"), "driver")) {
                RekeyedTopology.inputs(store).forEach(d::pipe);
                assertThat(d.lateEvents()).isEqualTo(1);
            }
            try (StreamProcessor p = StreamProcessor.start(store, RekeyedTopology.build("late"),
                    ProcessorConfig.of("late").withPartitions(2))) {
                assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                assertThat(p.status().lateEvents()).isEqualTo(1);
            }
            assertThat(RekeyedTopology.outputsByKey(store, "late")).anyMatch(o -> o.startsWith("late-window"))
                    .isEqualTo(RekeyedTopology.driverByKey(store, "out").stream().map(o -> o.replaceFirst("^out-", "late-")).toList());
        }
    }

    @Test
    void projectionTablesAndRegroupedTablesWithoutSerdesAreRefusedWithPartitionsSayingWhy() {
        StreamsBuilder projected = new StreamsBuilder();
        projected.table(Consumed.category("user", e -> e.dataAsString()), (String name, TableUpdates<String, String> t) -> t.upsert(name, name),
                Materialized.defaults());
        StreamsBuilder regrouped = new StreamsBuilder();
        regrouped.stream(Consumed.category("click", e -> e.dataAsString())).toTable(Materialized.defaults()).groupBy((user, page) -> KeyValue.pair(page, user)).count();
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            assertThatThrownBy(() -> StreamProcessor.start(store, projected.build(), ProcessorConfig.of("c").withPartitions(2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("TableProjection")
                    .hasMessageNotContaining("re-keyed").hasMessageContaining("run it with one partition");
            assertThatThrownBy(() -> StreamProcessor.start(store, regrouped.build(), ProcessorConfig.of("r").withPartitions(2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("KTable.groupBy")
                    .hasMessageContaining("Grouped.with(keySerde, valueSerde)");
        }
    }

    /** A CDC table: its changelog, a regrouped count (through a repartition stream) and clicks joined with it. */
    static Topology cdcTopology(String out) {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, com.fasterxml.jackson.databind.JsonNode> users = b.cdcTable("users");
        users.toChangelog().to(Produced.with((k, v) -> out + "-changes", "C",
                (k, v) -> RekeyedTopology.utf8(k + "|" + v.map(String::valueOf).orElse("-"))));
        users.groupBy((id, row) -> KeyValue.pair(row.path("country").asText(), id), Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("perCountry"));
        b.stream(Consumed.category("click", e -> e.dataAsString()))
                .leftJoin(users, (c, u) -> c + "@" + u.map(r -> r.path("country").asText()).orElse("?"))
                .to(Produced.with((k, v) -> out + "-enriched", "E", (k, v) -> RekeyedTopology.utf8(k + "|" + v)));
        return b.build();
    }

    @Test
    void aCdcTableRunsPartitionedByRowKeyAndATruncateReachesEveryPartition() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            java.util.Random r = new java.util.Random(31);
            List<String> countries = List.of("FR", "DE", "IT");
            java.util.Set<Integer> live = new java.util.HashSet<>();
            for (int i = 0; i < 2_000; i++) {
                int id = r.nextInt(40);
                if (i == 1_000) {
                    store.append(StreamName.of("users"), ExpectedVersion.any(),
                            EventData.of("cdc.truncate", RekeyedTopology.utf8(CdcTableTest.envelope("t", "null", "null", "")))).join();
                    live.clear();
                } else if (r.nextInt(3) == 0) {
                    store.append(StreamName.of("click", id), ExpectedVersion.any(), EventData.of("Clicked", RekeyedTopology.utf8("p" + i))).join();
                } else if (live.contains(id) && r.nextInt(4) == 0) {
                    store.append(StreamName.of("users", id), ExpectedVersion.any(), EventData.of("cdc.delete",
                            RekeyedTopology.utf8(CdcTableTest.envelope("d", "{\"id\":" + id + "}", "null", "")))).join();
                    live.remove(id);
                } else {
                    String row = "{\"id\":" + id + ",\"country\":\"" + countries.get(r.nextInt(3)) + "\"}";
                    boolean created = live.add(id);
                    store.append(StreamName.of("users", id), ExpectedVersion.any(), EventData.of(created ? "cdc.create" : "cdc.update",
                            RekeyedTopology.utf8(CdcTableTest.envelope(created ? "c" : "u", "null", row, "")))).join();
                }
            }
            long last = store.headPosition();
            List<String> expected = new java.util.ArrayList<>();
            try (TopologyTestDriver d = new TopologyTestDriver(cdcTopology("out"), "driver");
                 StreamProcessor p = StreamProcessor.start(store, cdcTopology("three"), ProcessorConfig.of("cdc3").withPartitions(3)
                         .withMaxBatchEvents(29))) {
                IdleTimeoutTest.read(store, io.tributary.core.ReadFilter.categories("users", "click")).forEach(d::pipe);
                for (OutputEvent o : d.outputs()) {
                    expected.add(o.stream() + " " + o.event().type() + " " + o.dataAsString());
                }
                assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                for (String c : countries) {
                    assertThat(p.query("perCountry", c)).as(c).isEqualTo(d.query("perCountry", c));
                }
                for (int id = 0; id < 40; id++) {
                    assertThat(p.query("cdc-users", String.valueOf(id)).map(String::valueOf))
                            .isEqualTo(d.query("cdc-users", String.valueOf(id)).map(String::valueOf));
                }
            }
            List<String> byKey = RekeyedTopology.byKey(expected);
            assertThat(byKey).anyMatch(o -> o.startsWith("out-changes") && o.endsWith("|-"))
                    .anyMatch(o -> o.startsWith("out-enriched") && o.endsWith("@?")).anyMatch(o -> o.startsWith("out-enriched") && o.endsWith("@FR"));
            assertThat(RekeyedTopology.outputsByKey(store, "three"))
                    .isEqualTo(byKey.stream().map(o -> o.replaceFirst("^out-", "three-")).toList());
        }
    }

    @Nested
    class RekeyedAfterState {
        private List<String> run(EmbeddedEventStore store, String out, ProcessorConfig config) throws InterruptedException {
            long last = store.headPosition();
            try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build(out), config);
                 TopologyTestDriver d = new TopologyTestDriver(StateRekeyTopology.build("x"), "x")) {
                assertThat(p.awaitPosition(last, WAIT)).as("caught up to %d: %s", last, p.status()).isTrue();
                assertThat(p.status().lateEvents()).isZero();
                RekeyedTopology.inputs(store).forEach(d::pipe);
                for (int g = 0; g < 7; g++) {
                    // a reduce after a re-key after state: its final value per key is the one task's
                    assertThat(p.query("maxPerGroup", "g" + g)).as("g%d", g).isPresent().isEqualTo(d.query("maxPerGroup", "g" + g));
                    // a regrouped table (KTable.groupBy of a table from state): the group's partition has its value
                    assertThat(p.query("clicksPerGroup", "g" + g)).as("g%d", g).isPresent().isEqualTo(d.query("clicksPerGroup", "g" + g));
                }
                for (int m = 0; m < 3; m++) {
                    assertThat(p.query("usersByCountMod3", "m" + m)).as("m%d", m).isEqualTo(d.query("usersByCountMod3", "m" + m));
                }
            }
            return StateRekeyTopology.outputsByKey(store, out);
        }

        @Test
        void onHeapStateInThreePartitions() throws Exception {
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 21, 3_000);
                RekeyedTopology.appendTicks(store);
                List<String> expected = StateRekeyTopology.driverByKey(store, "out");
                assertThat(expected).anyMatch(o -> o.startsWith("out-cc")).anyMatch(o -> o.startsWith("out-window"))
                        .anyMatch(o -> o.startsWith("out-parity"));
                assertThat(run(store, "one", ProcessorConfig.of("one")))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "one-")).toList());
                assertThat(run(store, "three", ProcessorConfig.of("three").withPartitions(3).withMaxBatchEvents(37)))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "three-")).toList());
                // the records out of state went through the log: each partition's repartition stream
                // holds re-keyed records and watermark marks; the one-partition run wrote none
                List<String> internal = StreamProcessorTest.outputs(store, "tributary.repartition");
                for (int i = 0; i < 3; i++) {
                    String stream = "tributary.repartition-three/" + i + " ";
                    assertThat(internal).anyMatch(o -> o.startsWith(stream) && o.contains(" Repartitioned "))
                            .anyMatch(o -> o.startsWith(stream) && o.contains(" RepartitionWatermark "));
                }
                assertThat(internal).noneMatch(o -> o.startsWith("tributary.repartition-one"));
            }
        }

        @Test
        void onRocksDbStateInFourPartitionsAcrossARestart() throws Exception {
            ProcessorConfig config = ProcessorConfig.of("four").withPartitions(4).withMaxBatchEvents(50)
                    .withState(StateBackend.rocksDb(dir.resolve("state")));
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 22, 1_500);
                long firstHalf = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build("four"), config)) {
                    assertThat(p.awaitPosition(firstHalf, WAIT)).as("caught up: %s", p.status()).isTrue();
                }
                RekeyedTopology.appendInput(store, 23, 1_500);
                RekeyedTopology.appendTicks(store);
                long last = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build("four"), config)) {
                    assertThat(p.status().inputPosition()).as("resumes from its checkpoints").isGreaterThan(0);
                    assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                }
                List<String> expected = StateRekeyTopology.driverByKey(store, "out");
                assertThat(StateRekeyTopology.outputsByKey(store, "four"))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "four-")).toList());
            }
        }

        @Test
        void theRepartitionStreamsAreTruncatedBehindWhatEveryPartitionHasOnDiskAndARestartGivesTheSameOutputs()
                throws Exception {
            ProcessorConfig config = ProcessorConfig.of("trunc").withPartitions(3).withMaxBatchEvents(40)
                    .withState(StateBackend.rocksDb(dir.resolve("state"))).withStateFlush(Duration.ofMillis(20), 3);
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 25, 2_000);
                long firstHalf = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build("trunc"), config)) {
                    assertThat(p.awaitPosition(firstHalf, WAIT)).as("caught up: %s", p.status()).isTrue();
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (truncatedStreams(store, "trunc") < 3) {
                        assertThat(System.nanoTime()).as("every partition's repartition stream truncated").isLessThan(deadline);
                        Thread.sleep(20); // idle partitions flush their state; then the dispatcher truncates
                    }
                }
                for (int i = 0; i < 3; i++) {
                    StreamName stream = StreamName.of("tributary.repartition-trunc/" + i);
                    long before = store.getStreamMetadata(stream).truncateBefore().orElse(0);
                    // reads start at the truncation (all of it, once every partition is past it on disk)
                    assertThat(before).as("%s truncated", stream).isPositive();
                    assertThat(store.readStream(stream, 0, 10_000, io.tributary.core.Direction.FORWARD).events())
                            .allSatisfy(e -> assertThat(e.version()).isGreaterThanOrEqualTo(before));
                }
                // the same processor on lost (fresh) state would need the truncated records: refused, saying why
                assertThatThrownBy(() -> StreamProcessor.start(store, StateRekeyTopology.build("trunc"),
                        config.withState(StateBackend.rocksDb(dir.resolve("lost-state")))))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("tributary.repartition-trunc/").hasMessageContaining("give the processor a new name");
                assertThatThrownBy(() -> StreamProcessor.start(store, StateRekeyTopology.build("trunc"),
                        config.withState(StateBackend.heap()))).hasMessageContaining("cannot resume at log position -1");
                RekeyedTopology.appendInput(store, 26, 1_000);
                RekeyedTopology.appendTicks(store);
                long last = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build("trunc"), config)) {
                    assertThat(p.status().inputPosition()).as("resumes from its checkpoints").isGreaterThan(0);
                    assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                }
                List<String> expected = StateRekeyTopology.driverByKey(store, "out");
                assertThat(StateRekeyTopology.outputsByKey(store, "trunc"))
                        .isEqualTo(expected.stream().map(o -> o.replaceFirst("^out-", "trunc-")).toList());
            }
        }

        @Test
        void aHeapRestartReplaysTheLogWithItsRepartitionStreamsAndWritesNothingNew() throws Exception {
            ProcessorConfig config = ProcessorConfig.of("heap3").withPartitions(3).withMaxBatchEvents(41);
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RekeyedTopology.appendInput(store, 24, 2_000);
                RekeyedTopology.appendTicks(store);
                long last = store.headPosition();
                try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build("heap3"), config)) {
                    assertThat(p.awaitPosition(last, WAIT)).as("caught up: %s", p.status()).isTrue();
                }
                List<String> outputs = StreamProcessorTest.outputs(store, "heap3");
                List<String> internal = StreamProcessorTest.outputs(store, "tributary.repartition");
                long head = store.headPosition();
                // heap state: the restart replays everything, the repartition streams included, with the same ids
                try (StreamProcessor p = StreamProcessor.start(store, StateRekeyTopology.build("heap3"), config)) {
                    assertThat(p.awaitPosition(head, WAIT)).as("caught up: %s", p.status()).isTrue();
                }
                assertThat(store.headPosition()).as("nothing appended by the replay").isEqualTo(head);
                assertThat(StreamProcessorTest.outputs(store, "heap3")).isEqualTo(outputs);
                assertThat(StreamProcessorTest.outputs(store, "tributary.repartition")).isEqualTo(internal);
                assertThat(StateRekeyTopology.outputsByKey(store, "heap3")).isEqualTo(StateRekeyTopology.driverByKey(store, "heap3"));
            }
        }

        @Test
        void withoutSerdesToRepartitionItIsRefusedWithPartitionsSayingWhatToGive() {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("click", e -> e.dataAsString())).groupByKey().count()
                    .toStream().selectKey((user, n) -> n).groupByKey().count();
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                assertThatThrownBy(() -> StreamProcessor.start(store, b.build(), ProcessorConfig.of("p").withPartitions(2)))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("re-keyed")
                        .hasMessageContaining("after another stateful operator").hasMessageContaining("Grouped.with(keySerde, valueSerde)");
                // one partition runs it
                StreamProcessor.start(store, b.build(), ProcessorConfig.of("p")).close();
            }
        }

        @Test
        void withSerdesItIsAccepted() {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("click", e -> e.dataAsString())).groupByKey().count()
                    .toStream().selectKey((user, n) -> n).groupByKey(Grouped.with(Serdes.longs(), Serdes.longs())).count();
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                StreamProcessor.start(store, b.build(), ProcessorConfig.of("p").withPartitions(2)).close();
            }
        }
    }

    @Test
    void aRekeyBeforeAnyStateIsAccepted() {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, String> clicks = b.stream(Consumed.category("click", e -> e.dataAsString()));
        clicks.groupBy((k, v) -> v).count();
        clicks.flatMap((k, v) -> List.of(KeyValue.pair(v, k), KeyValue.pair(k, v))).groupByKey().reduce((x, y) -> y, Materialized.defaults())
                .toStream().groupByKey().count(); // no re-key after the reduce: stays in its partition
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            StreamProcessor.start(store, b.build(), ProcessorConfig.of("p").withPartitions(2)).close();
        }
    }
}
