package io.tributary.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both document stores: transactions, indexes, slots. */
class DocumentStoreTest {
    static final IndexDefinition BY_CUSTOMER = IndexDefinition.of("orders", "customer");

    /** A typed document. */
    record Order(String customer, int total) {
    }

    /** A record Jackson writes as something else than its fields: kept as a tree, so refused (not an object). */
    record Code(String value) {
        @com.fasterxml.jackson.annotation.JsonValue
        public String value() {
            return value;
        }
    }

    /** A record with a part that can change after it is put (a list). */
    record Basket(String customer, List<String> items) {
    }

    abstract static class Contract {
        @TempDir
        Path dir;
        DocumentStore docs;

        abstract DocumentStore open();

        @BeforeEach
        void setUp() {
            docs = open();
        }

        @AfterEach
        void tearDown() {
            docs.close();
        }

        @Test
        void commitsDocumentsWithTheCheckpoint() {
            docs.commit("p", 7, w -> w.put("orders", "1", new Order("ada", 10)));
            assertThat(docs.checkpoint("p")).isEqualTo(7);
            assertThat(docs.get("p", "orders", "1", Order.class)).contains(new Order("ada", 10));
            assertThat(docs.checkpoint("other")).isEqualTo(-1);
        }

        @Test
        void aFailingTransactionLeavesNothingBehind() {
            docs.commit("p", 1, w -> w.put("orders", "1", new Order("ada", 10)));
            assertThatThrownBy(() -> docs.commit("p", 2, w -> {
                w.put("orders", "1", new Order("ada", 99));
                w.put("orders", "2", new Order("bob", 1));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(docs.checkpoint("p")).isEqualTo(1);
            assertThat(docs.get("p", "orders", "1", Order.class)).contains(new Order("ada", 10));
            assertThat(docs.get("p", "orders", "2")).isEmpty();
            assertThat(docs.findBy("p", "orders", "customer", "bob")).isEmpty();
        }

        @Test
        void readsInsideATransactionSeeItsOwnWrites() {
            docs.commit("p", 1, w -> {
                w.put("orders", "1", new Order("ada", 1));
                ObjectNode d = w.get("orders", "1").orElseThrow();
                w.put("orders", "1", d.put("total", d.get("total").asInt() + 1));
                w.delete("orders", "gone");
            });
            assertThat(docs.get("p", "orders", "1", Order.class)).contains(new Order("ada", 2));
        }

        @Test
        void documentsReadOrWrittenInEarlierBatchesStayIsolatedAndIndexed() {
            docs.commit("p", 1, w -> w.put("orders", "1", new Order("ada", 1)));
            // Mutating what get returns, or a node after put, changes nothing stored or staged.
            docs.commit("p", 2, w -> {
                ObjectNode d = w.get("orders", "1").orElseThrow();
                d.put("customer", "eve");
                assertThat(w.get("orders", "1", Order.class)).contains(new Order("ada", 1));
                ObjectNode n = w.get("orders", "1").orElseThrow().put("customer", "bob");
                w.put("orders", "1", n);
                n.put("customer", "mallory");
                assertThat(w.get("orders", "1", Order.class)).contains(new Order("bob", 1));
                w.get("orders", "1").orElseThrow().put("total", 99);
            });
            docs.get("p", "orders", "1").orElseThrow().put("customer", "zed");
            assertThat(docs.get("p", "orders", "1", Order.class)).contains(new Order("bob", 1));
            // A blind put (no read in the batch) replaces the old index entry.
            docs.commit("p", 3, w -> w.put("orders", "1", new Order("cy", 1)));
            docs.commit("p", 4, w -> w.put("orders", "1", w.get("orders", "1", Order.class).orElseThrow()));
            assertThat(docs.findBy("p", "orders", "customer", "ada")).isEmpty();
            assertThat(docs.findBy("p", "orders", "customer", "bob")).isEmpty();
            assertThat(docs.findBy("p", "orders", "customer", "cy")).hasSize(1);
            // After a reset, the slot's runner sees nothing of the old documents.
            docs.reset("p", w -> { });
            docs.commit("p", 5, w -> assertThat(w.get("orders", "1")).isEmpty());
            assertThat(docs.findBy("p", "orders", "customer", "cy")).isEmpty();
            // A failed batch leaves what later batches read unchanged.
            docs.commit("p", 6, w -> w.put("orders", "2", new Order("di", 2)));
            assertThatThrownBy(() -> docs.commit("p", 7, w -> {
                w.put("orders", "2", new Order("di", 3));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            docs.commit("p", 8, w -> assertThat(w.get("orders", "2", Order.class)).contains(new Order("di", 2)));
        }

        @Test
        void findsByAnIndexedFieldAndKeepsTheIndexCurrent() {
            docs.commit("p", 1, w -> {
                w.put("orders", "1", new Order("ada", 1));
                w.put("orders", "2", new Order("ada", 2));
                w.put("orders", "3", new Order("bob", 3));
            });
            assertThat(docs.findBy("p", "orders", "customer", "ada")).extracting(d -> d.get("total").asInt()).containsExactly(1, 2);
            docs.commit("p", 2, w -> {
                w.put("orders", "1", new Order("bob", 1));
                w.delete("orders", "2");
            });
            assertThat(docs.findBy("p", "orders", "customer", "ada")).isEmpty();
            assertThat(docs.findBy("p", "orders", "customer", "bob")).extracting(d -> d.get("total").asInt()).containsExactly(1, 3);
            assertThat(docs.all("p", "orders")).hasSize(2);
        }

        @Test
        void refusesAQueryOnAFieldWithoutAnIndex() {
            assertThatThrownBy(() -> docs.findBy("p", "orders", "total", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no index on orders.total");
        }

        @Test
        void resetDeletesASlotAndActivateSwitchesReaders() {
            docs.commit("p", 1, w -> w.put("orders", "1", new Order("ada", 1)));
            docs.commit("p~1", 1, w -> w.put("orders", "1", new Order("ada", 2)));
            docs.activate("p", "p~1");
            assertThat(docs.get("p", "orders", "1", Order.class)).contains(new Order("ada", 2));
            assertThat(docs.findBy("p", "orders", "customer", "ada")).hasSize(1);
            docs.reset("p", w -> { });
            assertThat(docs.contents("p")).isEmpty();
            assertThat(docs.checkpoint("p")).isEqualTo(-1);
            assertThat(docs.contents("p~1")).isEqualTo(Map.of("orders/1", "{\"customer\":\"ada\",\"total\":2}"));
        }

        @Test
        void rejectsDocumentsThatAreNotObjects() {
            assertThatThrownBy(() -> docs.commit("p", 1, w -> w.put("orders", "1", List.of(1))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        }

        @Test
        void aRecordReadsTheSameAsItsJsonTree() {
            docs.commit("p", 1, w -> {
                w.put("orders", "1", new Order("ada", 10));
                ObjectNode tree = w.get("orders", "1").orElseThrow();
                assertThat(tree.toString()).isEqualTo("{\"customer\":\"ada\",\"total\":10}");
                tree.put("total", 11); // a tree handed out is the caller's: the staged record is unchanged
                assertThat(w.get("orders", "1", Order.class)).contains(new Order("ada", 10));
                w.put("orders", "2", tree);
            });
            assertThat(docs.get("p", "orders", "1").orElseThrow().toString()).isEqualTo("{\"customer\":\"ada\",\"total\":10}");
            assertThat(docs.get("p", "orders", "2", Order.class)).contains(new Order("ada", 11));
            assertThat(docs.findBy("p", "orders", "customer", "ada")).hasSize(2);
            assertThat(docs.all("p", "orders")).extracting(ObjectNode::toString)
                    .containsExactly("{\"customer\":\"ada\",\"total\":10}", "{\"customer\":\"ada\",\"total\":11}");
        }

        @Test
        void aRecordJacksonWritesAsAnotherShapeIsRefusedAtPutAndNothingIsCommitted() {
            assertThatThrownBy(() -> docs.commit("p", 1, w -> w.put("codes", "a", new Code("x"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
            assertThat(docs.checkpoint("p")).isEqualTo(-1);
            assertThat(docs.get("p", "codes", "a")).isEmpty();
        }

        @Test
        void aRecordWithAPartThatCanChangeIsCopiedWhenPut() {
            java.util.List<String> items = new java.util.ArrayList<>(List.of("tent"));
            docs.commit("p", 1, w -> {
                w.put("baskets", "ada", new Basket("ada", items));
                items.add("stove");
                assertThat(w.get("baskets", "ada", Basket.class).orElseThrow().items()).containsExactly("tent");
            });
            items.add("lamp");
            assertThat(docs.get("p", "baskets", "ada", Basket.class).orElseThrow().items()).containsExactly("tent");
        }
    }

    @Nested
    class InMemory extends Contract {
        @Override
        DocumentStore open() {
            return DocumentStore.inMemory(BY_CUSTOMER);
        }

        @Test
        void keepsImmutableRecordsAsTheyWerePut() {
            Order ada = new Order("ada", 10);
            docs.commit("p", 1, w -> {
                w.put("orders", "1", ada);
                assertThat(w.get("orders", "1", Order.class)).containsSame(ada);
            });
            assertThat(docs.get("p", "orders", "1", Order.class)).containsSame(ada);
            docs.commit("p", 2, w -> assertThat(w.get("orders", "1", Order.class)).containsSame(ada));
        }
    }

    @Nested
    class RocksDb extends Contract {
        @Override
        DocumentStore open() {
            return DocumentStore.rocksDb(dir, BY_CUSTOMER);
        }

        @Test
        void keepsDocumentsIndexesAndSlotsAcrossAReopen() {
            docs.commit("p~1", 5, w -> w.put("orders", "1", new Order("ada", 1)));
            docs.activate("p", "p~1");
            docs.close();
            docs = open();
            assertThat(docs.checkpoint("p~1")).isEqualTo(5);
            assertThat(docs.activeSlot("p")).isEqualTo("p~1");
            assertThat(docs.findBy("p", "orders", "customer", "ada")).hasSize(1);
        }
    }
}
