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
            out.put("eventids", eventIds(dataDir.resolve("index").resolve(Index.ID_DIR)));
            out.put("positions", entries(index, index.positions));
            out.put("checkpoint", List.of(String.valueOf(index.checkpoint())));
            return out;
        } catch (RocksDBException e) {
            throw new StorageException("cannot open the index of " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The entries of the event-id chunk files (whatever their boundaries), sorted. */
    private static List<String> eventIds(Path dir) {
        List<String> lines = new ArrayList<>();
        if (!java.nio.file.Files.isDirectory(dir)) {
            return lines;
        }
        try (var files = java.nio.file.Files.newDirectoryStream(dir, "*" + IdChunk.SUFFIX)) {
            for (Path f : files) {
                IdChunk.open(f).forEach((h, p) -> lines.add(String.format("%016x=%d", h, p)));
            }
        } catch (java.io.IOException e) {
            throw new StorageException("cannot read the event-id index in " + dir + ": " + e.getMessage(), e);
        }
        java.util.Collections.sort(lines);
        return lines;
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
