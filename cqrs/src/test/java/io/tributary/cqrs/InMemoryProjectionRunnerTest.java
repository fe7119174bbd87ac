package io.tributary.cqrs;

import java.nio.file.Path;

/** The runner contract on the in-memory document store (a restart keeps the same store object). */
class InMemoryProjectionRunnerTest extends ProjectionRunnerContract {
    @Override
    DocumentStore open(Path directory) {
        return DocumentStore.inMemory();
    }

    @Override
    DocumentStore restart(DocumentStore current, Path directory) {
        return current;
    }
}
