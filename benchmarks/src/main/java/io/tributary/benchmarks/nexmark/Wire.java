package io.tributary.benchmarks.nexmark;

import io.tributary.core.EventView;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal binary encoding (fixed 8-byte longs, length-prefixed Latin-1 strings) for the events
 * and the intermediate values that Kafka Streams must serialize. Every engine decodes the same
 * bytes, so none is favoured by its input format.
 */
final class Wire {
    private Wire() {
    }

    /** A growable output buffer. Not thread-safe. */
    static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        Out putByte(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
            return this;
        }

        Out putLong(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buf[pos++] = (byte) (v >>> (i * 8));
            }
            return this;
        }

        /** A string of chars below 256 (all the generator makes), one byte each. */
        Out putString(String s) {
            int n = s.length();
            ensure(4 + n);
            putInt(n);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
            return this;
        }

        Out putInt(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
            return this;
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, pos);
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }
    }

    /** Reads the encoding in order. Not thread-safe. */
    interface Reader {
        int getByte();

        long getLong();

        int getInt();

        String getString();
    }

    /**
     * A reader of an event's data in place ({@link EventView}'s accessors: no copy of the bytes), the
     * same values as {@link In} over {@code event.data()}. Valid while the view is.
     */
    static final class ViewIn implements Reader {
        private final EventView event;
        private int pos;

        ViewIn(EventView event) {
            this.event = event;
        }

        @Override
        public int getByte() {
            return event.dataByte(pos++);
        }

        @Override
        public long getLong() {
            long v = event.dataLong(pos);
            pos += 8;
            return v;
        }

        @Override
        public int getInt() {
            int v = event.dataInt(pos);
            pos += 4;
            return v;
        }

        @Override
        public String getString() {
            int n = getInt();
            String s = event.dataString(pos, n, StandardCharsets.ISO_8859_1);
            pos += n;
            return s;
        }
    }

    /**
     * A reader over a byte array. Not thread-safe. Longs and ints are read 8 and 4 bytes at a time
     * (as {@link ViewIn} reads them), so no engine's decoding is favoured by its reader.
     */
    static final class In implements Reader {
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public int getByte() {
            return buf[pos++];
        }

        @Override
        public long getLong() {
            long v = (long) LONG.get(buf, pos);
            pos += 8;
            return v;
        }

        @Override
        public int getInt() {
            int v = (int) INT.get(buf, pos);
            pos += 4;
            return v;
        }

        @Override
        public String getString() {
            int n = getInt();
            String s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
            pos += n;
            return s;
        }
    }
}
