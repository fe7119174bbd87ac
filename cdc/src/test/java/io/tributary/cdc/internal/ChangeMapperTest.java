package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.PostgresSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The change event bytes written by {@link ChangeMapper#envelopeBytes} (pre-encoded constant parts, one
 * reused generator) against the tree the mapper builds with Jackson's object model, for random rows of
 * every mapped type, NULLs, unchanged TOAST, replica identities, two tables and several transactions.
 */
class ChangeMapperTest {
    private static final int[] TYPES = {23, 20, 25, 1043, 1700, 1184, 1114, 1082, 16, 3802, 114, 1007, 1009, 17, 701, 2950};
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void envelopeBytesAreTheTreesJson() throws Exception {
        PostgresSource source = PostgresSource.builder("shop_eu", "jdbc:postgresql://localhost/shop")
                .clock(Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC)).build();
        SplittableRandom random = new SplittableRandom(5);
        RelationCache relations = new RelationCache(null, source);
        List<RelationCache.Table> tables = new ArrayList<>();
        // Table 3 has two columns: its Relation holds them in another immutable list class than the others' seven.
        for (int n = 0; n < 4; n++) {
            List<PgMessage.Column> cols = new ArrayList<>();
            cols.add(new PgMessage.Column(true, "id", 23, -1));
            for (int c = 0; c < (n == 3 ? 1 : 6); c++) {
                cols.add(new PgMessage.Column(false, "c" + c + (c == 2 ? "\u00e9\"\\" : ""), TYPES[random.nextInt(TYPES.length)], -1));
            }
            String table = n == 2 ? "t\"" + n : "t" + n;
            relations.knownPrimaryKey((n == 1 ? "sales" : "public") + "." + table, List.of("id"));
            RelationCache.Table t = relations.update(new PgMessage.Relation(0, 100 + n, n == 1 ? "sales" : "public", table,
                    n == 0 ? 'f' : 'd', cols));
            assertThat(t.columns()).containsExactlyElementsOf(cols);
            tables.add(t);
        }
        ChangeMapper bytesSide = new ChangeMapper(source, json, new ValueConverter(json, new TypeCatalog(null)), relations, "db\u00e9");
        ChangeMapper treeSide = new ChangeMapper(source, json, new ValueConverter(json, new TypeCatalog(null)), relations, "db\u00e9");
        int compared = 0;
        for (int x = 0; x < 20; x++) {
            long lsn = random.nextLong(1L << 40);
            int xid = x == 3 ? -5 : random.nextInt(1 << 30);
            ChangeMapper.Tx a = new ChangeMapper.Tx(xid, lsn, random.nextLong(1L << 50), false);
            ChangeMapper.Tx b = new ChangeMapper.Tx(xid, lsn, a.commitMillis * 1000 - ChangeMapper.PG_EPOCH_MICROS, false);
            for (int r = 0; r < 200; r++) {
                RelationCache.Table t = tables.get(random.nextInt(tables.size()));
                String op = List.of("c", "u", "d").get(random.nextInt(3));
                boolean full = t.message().replicaIdentity() == 'f';
                PgMessage.Tuple before = op.equals("c") || (op.equals("u") && !full && random.nextBoolean()) ? null
                        : tuple(t, random, !full);
                PgMessage.Tuple after = op.equals("d") ? null : tuple(t, random, false);
                byte[] written = bytesSide.envelopeBytes(t, op, before, after, a);
                byte[] tree = json.writeValueAsBytes(treeSide.envelope(t, op, before, after, b));
                assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(new String(tree, StandardCharsets.UTF_8));
                a.index++;
                b.index++;
                compared++;
            }
        }
        assertThat(compared).isEqualTo(4000);
    }

    @Test
    void aFailedEventLeavesTheNextOneIntact() throws Exception {
        PostgresSource source = PostgresSource.builder("shop", "jdbc:postgresql://localhost/shop").build();
        RelationCache relations = new RelationCache(null, source);
        relations.knownPrimaryKey("public.t", List.of("id"));
        RelationCache.Table t = relations.update(new PgMessage.Relation(0, 7, "public", "t", 'd',
                List.of(new PgMessage.Column(true, "id", 23, -1), new PgMessage.Column(false, "n", 20, -1))));
        ChangeMapper mapper = new ChangeMapper(source, json, new ValueConverter(json, new TypeCatalog(null)), relations, "db");
        ChangeMapper.Tx tx = new ChangeMapper.Tx(1, 2, 3, false);
        PgMessage.Tuple bad = new PgMessage.Tuple(new byte[] {'t', 't'}, new String[] {"1", "not a number"});
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mapper.envelopeBytes(t, "c", null, bad, tx))
                .hasMessageContaining("cannot convert value of type oid 20");
        PgMessage.Tuple good = new PgMessage.Tuple(new byte[] {'t', 't'}, new String[] {"1", "42"});
        String event = new String(mapper.envelopeBytes(t, "c", null, good, tx), StandardCharsets.UTF_8);
        assertThat(json.readTree(event).path("after").toString()).isEqualTo("{\"id\":1,\"n\":42}");
        assertThat(event).startsWith("{\"before\":null,\"after\":{\"id\":1,\"n\":42},\"op\":\"c\",\"source\":{");
    }

    @Test
    void eventIdsAreTheNameUuidsOfTheirNames() {
        NameUuids ids = new NameUuids();
        byte[] prefix = "shop/123456/".getBytes(StandardCharsets.UTF_8);
        for (long index : new long[] {0, 1, 9, 10, 99_999, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            assertThat(ids.of(prefix, index))
                    .isEqualTo(UUID.nameUUIDFromBytes(("shop/123456/" + index).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static PgMessage.Tuple tuple(RelationCache.Table t, SplittableRandom random, boolean keyOnly) {
        List<PgMessage.Column> cols = t.message().columns();
        byte[] kinds = new byte[cols.size()];
        String[] values = new String[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            int k = random.nextInt(10);
            if (c == 0) {
                kinds[c] = PgMessage.Tuple.TEXT;
                values[c] = Integer.toString(random.nextInt(1000));
            } else if (keyOnly || k == 0) {
                kinds[c] = PgMessage.Tuple.NULL;
            } else if (k == 1) {
                kinds[c] = PgMessage.Tuple.UNCHANGED_TOAST;
            } else {
                kinds[c] = PgMessage.Tuple.TEXT;
                values[c] = value(cols.get(c).typeOid(), random);
            }
        }
        return new PgMessage.Tuple(kinds, values);
    }

    private static String value(int oid, SplittableRandom random) {
        int n = random.nextInt(1000);
        return switch (oid) {
            case 23, 20 -> Integer.toString(n - 500);
            case 1700 -> (n - 500) + "." + n;
            case 1184 -> random.nextBoolean() ? "2024-01-02 03:04:05.25-02" : "2026-11-28 14:40:1" + (n % 10) + "." + n + "+00";
            case 1114 -> "2024-01-02 03:04:05." + n;
            case 1082 -> "2024-01-" + (10 + n % 18);
            case 16 -> n % 2 == 0 ? "t" : "f";
            case 3802, 114 -> "{\"a\": [" + n + ", \"x\\\"y\"], \"b\": null}";
            case 1007 -> "{{1," + n + "},{3,NULL}}";
            case 1009 -> "{\"a\\\\b\",\"{x}\",plain}";
            case 17 -> "\\xdeadbeef";
            case 701 -> n % 7 == 0 ? "NaN" : (n / 7.0) + "";
            default -> n % 5 == 0 ? ChangeMapper.UNAVAILABLE : "text \u00e9 \"q\" \\ \u0001 " + n;
        };
    }
}
