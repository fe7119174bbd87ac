package io.tributary.cqrs;

import java.nio.file.Path;

/** The runner contract on the RocksDB document store; a restart closes and reopens it. */
class RocksDbProjectionRunnerTest extends ProjectionRunnerContract {
    @Override
    DocumentStore open(Path directory) {
        return DocumentStore.rocksDb(directory);
    }

    @Override
    DocumentStore restart(DocumentStore current, Path directory) {
        current.close();
        return DocumentStore.rocksDb(directory);
    }
}
