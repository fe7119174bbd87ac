package io.tributary.store.internal;

import io.tributary.core.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Every entry of a closed store's index as text, per column family: lets tests compare an
 * index recovered after a crash with one rebuilt from scratch.
 */
public final class IndexDump {
    private IndexDump() {
    }

    /** The index of the (closed) store in {@code dataDir}, as {@code hex(key)=hex(value)} lines per column family. */
    public static Map<String, List<String>> dump(Path dataDir) {
        try (Index index = Index.openReadOnly(dataDir.resolve("index"))) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            out.put("streams", entries(index, index.streams));
            out.put("versions", entries(index, index.versions));
            out.put("categories", entries(index, index.categories));
            out.put("types", entries(index, index.types));
            out.put("eventids", entries(index, index.eventIds));
            out.put("positions", entries(index, index.positions));
            out.put("checkpoint", List.of(String.valueOf(index.checkpoint())));
            return out;
        } catch (RocksDBException e) {
            throw new StorageException("cannot open the index of " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> entries(Index index, ColumnFamilyHandle cf) {
        HexFormat hex = HexFormat.of();
        List<String> lines = new ArrayList<>();
        try (RocksIterator it = index.iterator(cf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                lines.add(hex.formatHex(it.key()) + "=" + hex.formatHex(it.value()));
            }
        }
        return lines;
    }
}
