package io.tributary.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.CdcException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** pgoutput messages built byte by byte as PostgreSQL's protocol documentation describes them. */
class PgOutputDecoderTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder();

    @Test
    void decodesBeginCommitRelationAndRowMessages() throws IOException {
        assertThat(decoder.decode(msg(o -> {
            o.writeByte('B');
            o.writeLong(100);
            o.writeLong(5);
            o.writeInt(42);
        }))).isEqualTo(new PgMessage.Begin(100, 5, 42));
        PgMessage.Relation r = (PgMessage.Relation) decoder.decode(msg(o -> {
            o.writeByte('R');
            o.writeInt(7);
            str(o, "public");
            str(o, "users");
            o.writeByte('d');
            o.writeShort(2);
            o.writeByte(1);
            str(o, "id");
            o.writeInt(23);
            o.writeInt(-1);
            o.writeByte(0);
            str(o, "name");
            o.writeInt(25);
            o.writeInt(-1);
        }));
        assertThat(r.name()).isEqualTo("users");
        assertThat(r.columns()).extracting(PgMessage.Column::key).containsExactly(true, false);
        PgMessage.Update u = (PgMessage.Update) decoder.decode(msg(o -> {
            o.writeByte('U');
            o.writeInt(7);
            o.writeByte('O');
            tuple(o, "1", null);
            o.writeByte('N');
            o.writeShort(2);
            o.writeByte('t');
            o.writeInt(1);
            o.writeBytes("1");
            o.writeByte('u');
        }));
        assertThat(u.oldKind()).isEqualTo('O');
        assertThat(u.old().kinds()).containsExactly((byte) 't', (byte) 'n');
        assertThat(u.after().kinds()).containsExactly((byte) 't', PgMessage.Tuple.UNCHANGED_TOAST);
        assertThat(decoder.decode(msg(o -> {
            o.writeByte('C');
            o.writeByte(0);
            o.writeLong(100);
            o.writeLong(120);
            o.writeLong(5);
        }))).isEqualTo(new PgMessage.Commit(100, 120, 5));
    }

    @Test
    void readsTheTransactionIdOfMessagesInsideAStreamedChunk() throws IOException {
        decoder.decode(msg(o -> {
            o.writeByte('S');
            o.writeInt(900);
            o.writeByte(1);
        }));
        PgMessage.Insert i = (PgMessage.Insert) decoder.decode(msg(o -> {
            o.writeByte('I');
            o.writeInt(901);
            o.writeInt(7);
            o.writeByte('N');
            tuple(o, "5", "x");
        }));
        assertThat(i.xid()).isEqualTo(901);
        decoder.decode(msg(o -> o.writeByte('E')));
        assertThat(decoder.decode(msg(o -> {
            o.writeByte('A');
            o.writeInt(900);
            o.writeInt(901);
        }))).isEqualTo(new PgMessage.StreamAbort(900, 901));
    }

    @Test
    void rejectsUnknownAndTruncatedMessagesWithAClearError() {
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {'Z'})))
                .isInstanceOf(CdcException.class).hasMessageContaining("unknown pgoutput message type 'Z'");
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {'B', 0, 0})))
                .isInstanceOf(CdcException.class).hasMessageContaining("truncated");
    }

    interface Writer {
        void write(DataOutputStream o) throws IOException;
    }

    private static ByteBuffer msg(Writer w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        w.write(o);
        return ByteBuffer.wrap(b.toByteArray());
    }

    private static void str(DataOutputStream o, String s) throws IOException {
        o.write(s.getBytes(StandardCharsets.UTF_8));
        o.writeByte(0);
    }

    private static void tuple(DataOutputStream o, String... values) throws IOException {
        o.writeShort(values.length);
        for (String v : values) {
            if (v == null) {
                o.writeByte('n');
            } else {
                byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
                o.writeByte('t');
                o.writeInt(bytes.length);
                o.write(bytes);
            }
        }
    }
}
