package io.tributary.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExceptionsTest {
    private static final StreamName STREAM = StreamName.of("account-1");

    @Test
    void everyExceptionIsAnUncheckedTributaryException() {
        List<TributaryException> all = List.of(
                new InvalidRequestException("bad"),
                new PayloadTooLargeException("event", 10, 5),
                new WrongExpectedVersionException(STREAM, ExpectedVersion.noStream(), 3),
                new StreamNotFoundException(STREAM),
                new StreamDeletedException(STREAM),
                new DuplicateEventException(STREAM, UUID.randomUUID(), "at version 0"),
                new StoreClosedException("closed"),
                new StoreBusyException("busy"),
                new StorageException("disk", new IOException("full")),
                new StoreFailedException("fsync", new IOException("EIO")),
                new CorruptedLogException("segment-0", 128, "crc"));

        assertThat(all).allSatisfy(e -> assertThat(e).isInstanceOf(RuntimeException.class).hasMessageNotContaining("null"));
    }

    @Test
    void payloadTooLargeIsAnInvalidRequestAndCarriesTheSizes() {
        PayloadTooLargeException e = new PayloadTooLargeException("event 'Big'", 2_000_000, 1_048_576);

        assertThat(e).isInstanceOf(InvalidRequestException.class);
        assertThat(e.sizeBytes()).isEqualTo(2_000_000);
        assertThat(e.limitBytes()).isEqualTo(1_048_576);
        assertThat(e).hasMessageContaining("2000000").hasMessageContaining("1048576").hasMessageContaining("raise the limit");
    }

    @Test
    void wrongExpectedVersionCarriesStreamExpectedAndActual() {
        WrongExpectedVersionException e = new WrongExpectedVersionException(STREAM, ExpectedVersion.exact(2), 5);

        assertThat(e.stream()).isEqualTo(STREAM);
        assertThat(e.expected()).isEqualTo(ExpectedVersion.exact(2));
        assertThat(e.actualVersion()).isEqualTo(5);
        assertThat(e).hasMessageContaining("account-1").hasMessageContaining("expected 2").hasMessageContaining("version 5");
    }

    @Test
    void wrongExpectedVersionSaysWhenTheStreamDoesNotExist() {
        WrongExpectedVersionException e = new WrongExpectedVersionException(STREAM, ExpectedVersion.streamExists(), -1);

        assertThat(e).hasMessageContaining("stream_exists").hasMessageContaining("does not exist");
    }

    @Test
    void streamExceptionsNameTheStream() {
        assertThat(new StreamNotFoundException(STREAM).stream()).isEqualTo(STREAM);
        assertThat(new StreamDeletedException(STREAM).stream()).isEqualTo(STREAM);
        assertThat(new StreamDeletedException(STREAM)).hasMessageContaining("account-1");
        UUID id = UUID.randomUUID();
        DuplicateEventException duplicate = new DuplicateEventException(STREAM, id, "at version 4");
        assertThat(duplicate.stream()).isEqualTo(STREAM);
        assertThat(duplicate.eventId()).isEqualTo(id);
        assertThat(duplicate).hasMessageContaining(id.toString()).hasMessageContaining("at version 4");
    }

    @Test
    void corruptionNamesTheFileAndOffset() {
        CorruptedLogException e = new CorruptedLogException("00000001.seg", 4096, "CRC mismatch");

        assertThat(e.file()).isEqualTo("00000001.seg");
        assertThat(e.offset()).isEqualTo(4096);
        assertThat(e).hasMessageContaining("00000001.seg").hasMessageContaining("4096");
    }

    @Test
    void storeFailedIsAStorageExceptionWithItsCause() {
        IOException cause = new IOException("EIO");
        StoreFailedException e = new StoreFailedException("fsync failed", cause);

        assertThat(e).isInstanceOf(StorageException.class).hasCause(cause);
    }
}
