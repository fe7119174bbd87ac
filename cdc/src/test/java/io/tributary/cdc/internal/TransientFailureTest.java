package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.network.ServerException;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.SourceConfigurationException;
import io.tributary.core.StorageException;
import io.tributary.core.StoreClosedException;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.core.WrongExpectedVersionException;
import java.io.EOFException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TransientFailureTest {
    @Test
    void aLostConnectionIsTransient() {
        assertThat(TransientFailure.is(new CdcException("reading the binlog failed", new IOException("closed")))).isTrue();
        assertThat(TransientFailure.is(new CdcException("reading failed", new SQLException("copy", "08006", new EOFException()))))
                .isTrue();
        assertThat(TransientFailure.is(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(TransientFailure.is(new SQLException("replication slot is active for PID 42", "55006"))).isTrue();
        assertThat(TransientFailure.is(new CdcException("no binlog connection within 10000 ms", new TimeoutException()))).isTrue();
        // prepare() wraps a refused connection in a configuration error: its cause decides.
        assertThat(TransientFailure.is(new SourceConfigurationException("cannot prepare the capture of jdbc:x: Connection refused",
                new SQLException("Connection refused", "08001")))).isTrue();
    }

    @Test
    void configurationAndTheLogsRefusalsAreNot() {
        assertThat(TransientFailure.is(new SourceConfigurationException("wal_level = replica, capture needs logical"))).isFalse();
        assertThat(TransientFailure.is(new SQLException("permission denied", "42501"))).isFalse();
        assertThat(TransientFailure.is(new CdcException("the log refused captured changes: closed",
                new StoreClosedException("the store is closed")))).isFalse();
        assertThat(TransientFailure.is(new CdcException("another capture of connector 'x'", new WrongExpectedVersionException(
                StreamName.of("tributary.cdc-x"), ExpectedVersion.exact(3), 4)))).isFalse();
        // A store failure caused by an I/O error (a full disk) is the store's, not the source's.
        assertThat(TransientFailure.is(new CdcException("the log refused captured changes",
                new StorageException("could not write", new IOException("No space left on device"))))).isFalse();
        assertThat(TransientFailure.is(new CdcException("reading the binlog failed", new ServerException(
                "connecting slave requested to start from GTID 0-1-11, which is not in the master's binlog", 1236, "HY000"))))
                .as("an I/O exception, but one a restart cannot mend").isFalse();
        assertThat(TransientFailure.is(new IllegalStateException("a bug"))).isFalse();
        assertThat(TransientFailure.is(null)).isFalse();
    }
}
