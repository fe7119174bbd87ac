package io.tributary.cdc.internal;

import io.tributary.cdc.CdcException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes pgoutput's binary messages. Stateless except for whether a streamed (protocol v2)
 * chunk is open: inside one, data messages carry the transaction id first.
 */
public final class PgOutputDecoder {
    private boolean inStream;

    /**
     * Decodes a message that was buffered from inside a streamed chunk ({@code streamed}) or not,
     * independent of the current stream state.
     */
    public PgMessage decode(ByteBuffer buffer, boolean streamed) {
        boolean saved = inStream;
        inStream = streamed;
        try {
            return decode(buffer);
        } finally {
            inStream = saved;
        }
    }

    /** Decodes one message; throws {@link CdcException} naming the message when it is malformed. */
    public PgMessage decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice();
        byte tag = b.get();
        try {
            return switch (tag) {
                case 'B' -> new PgMessage.Begin(b.getLong(), b.getLong(), b.getInt());
                case 'C' -> {
                    b.get();
                    yield new PgMessage.Commit(b.getLong(), b.getLong(), b.getLong());
                }
                case 'O' -> new PgMessage.Origin(b.getLong(), string(b));
                case 'R' -> relation(b);
                case 'Y' -> new PgMessage.Type(xid(b), b.getInt(), string(b), string(b));
                case 'I' -> {
                    int xid = xid(b);
                    int rel = b.getInt();
                    expect(b.get(), 'N');
                    yield new PgMessage.Insert(xid, rel, tuple(b));
                }
                case 'U' -> update(b);
                case 'D' -> {
                    int xid = xid(b);
                    int rel = b.getInt();
                    char kind = (char) b.get();
                    yield new PgMessage.Delete(xid, rel, kind, tuple(b));
                }
                case 'T' -> {
                    int xid = xid(b);
                    int n = b.getInt();
                    byte options = b.get();
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = b.getInt();
                    }
                    yield new PgMessage.Truncate(xid, (options & 1) != 0, (options & 2) != 0, ids);
                }
                case 'M' -> {
                    int xid = xid(b);
                    boolean transactional = (b.get() & 1) != 0;
                    long lsn = b.getLong();
                    String prefix = string(b);
                    byte[] content = new byte[b.getInt()];
                    b.get(content);
                    yield new PgMessage.Message(xid, transactional, lsn, prefix, content);
                }
                case 'S' -> {
                    inStream = true;
                    yield new PgMessage.StreamStart(b.getInt(), b.get() == 1);
                }
                case 'E' -> {
                    inStream = false;
                    yield new PgMessage.StreamStop();
                }
                case 'c' -> {
                    int xid = b.getInt();
                    b.get();
                    yield new PgMessage.StreamCommit(xid, b.getLong(), b.getLong(), b.getLong());
                }
                case 'A' -> new PgMessage.StreamAbort(b.getInt(), b.getInt());
                default -> throw new CdcException("unknown pgoutput message type '" + (char) tag
                        + "'; is the slot's output plugin pgoutput with proto_version 1 or 2?");
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new CdcException("truncated pgoutput message of type '" + (char) tag + "'", e);
        }
    }

    private int xid(ByteBuffer b) {
        return inStream ? b.getInt() : 0;
    }

    private PgMessage relation(ByteBuffer b) {
        int xid = xid(b);
        int id = b.getInt();
        String namespace = string(b);
        String name = string(b);
        char identity = (char) b.get();
        int n = b.getShort();
        List<PgMessage.Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (b.get() & 1) != 0;
            columns.add(new PgMessage.Column(key, string(b), b.getInt(), b.getInt()));
        }
        return new PgMessage.Relation(xid, id, namespace, name, identity, columns);
    }

    private PgMessage update(ByteBuffer b) {
        int xid = xid(b);
        int rel = b.getInt();
        char kind = (char) b.get();
        PgMessage.Tuple old = null;
        char oldKind = 0;
        if (kind == 'K' || kind == 'O') {
            oldKind = kind;
            old = tuple(b);
            kind = (char) b.get();
        }
        expect((byte) kind, 'N');
        return new PgMessage.Update(xid, rel, oldKind, old, tuple(b));
    }

    private static PgMessage.Tuple tuple(ByteBuffer b) {
        int n = b.getShort();
        byte[] kinds = new byte[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            byte kind = b.get();
            kinds[i] = kind;
            if (kind == 't' || kind == 'b') {
                if (kind == 'b') {
                    throw new CdcException("binary tuple data is not supported; do not set the 'binary' slot option");
                }
                int length = b.getInt();
                if (length < 0 || length > b.remaining()) {
                    throw new java.nio.BufferUnderflowException();
                }
                if (b.hasArray()) {
                    // Straight from the message's array, without an intermediate copy.
                    values[i] = new String(b.array(), b.arrayOffset() + b.position(), length, StandardCharsets.UTF_8);
                    b.position(b.position() + length);
                } else {
                    byte[] bytes = new byte[length];
                    b.get(bytes);
                    values[i] = new String(bytes, StandardCharsets.UTF_8);
                }
            } else if (kind != 'n' && kind != 'u') {
                throw new CdcException("unknown tuple column kind '" + (char) kind + "'");
            }
        }
        return new PgMessage.Tuple(kinds, values);
    }

    private static void expect(byte got, char wanted) {
        if (got != wanted) {
            throw new CdcException("malformed pgoutput message: expected '" + wanted + "' but got '" + (char) got + "'");
        }
    }

    private static String string(ByteBuffer b) {
        int start = b.position();
        int end = start;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        b.get(bytes);
        b.get();
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
