package io.tributary.cdc.internal;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that a {@link com.fasterxml.jackson.core.JsonGenerator} writes to and that
 * also takes pre-encoded JSON fragments and decimal numbers directly (the constant parts of a change
 * event). One thread uses an instance; {@link #reset()} starts the next document.
 */
final class JsonBytes extends OutputStream {
    private byte[] buf;
    private int len;

    JsonBytes(int capacity) {
        buf = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** Writes {@code v} in decimal, as {@link Long#toString(long)} does. */
    void writeLong(long v) {
        ensure(20);
        len = NumberOutput.outputLong(v, buf, len);
    }

    /** Empties the buffer. */
    void reset() {
        len = 0;
    }

    /** The bytes written since the last {@link #reset()}. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
