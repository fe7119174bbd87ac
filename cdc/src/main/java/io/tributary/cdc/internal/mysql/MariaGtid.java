package io.tributary.cdc.internal.mysql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MariaDB GTID, {@code domain-server-seq}: the transaction {@code seq} of replication domain {@code domain}, first
 * written by the server with {@code server_id} {@code server}.
 */
record MariaGtid(long domain, long server, long seq) {
    /** The GTIDs of a comma-separated list (a GTID state); entries that are not {@code domain-server-seq} are skipped. */
    static List<MariaGtid> list(String text) {
        List<MariaGtid> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String g : text.split(",")) {
            String[] parts = g.trim().split("-");
            if (parts.length == 3) {
                try {
                    out.add(new MariaGtid(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])));
                } catch (NumberFormatException e) {
                    // not a MariaDB GTID (a MySQL GTID set: not tracked)
                }
            }
        }
        return out;
    }

    /** The GTIDs of a GTID state by domain (its last one per domain), in order. */
    static Map<Long, MariaGtid> byDomain(String text) {
        Map<Long, MariaGtid> out = new LinkedHashMap<>();
        for (MariaGtid g : list(text)) {
            out.put(g.domain(), g);
        }
        return out;
    }

    @Override
    public String toString() {
        return domain + "-" + server + "-" + seq;
    }
}
