package io.tributary.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket, for measuring the server rather than a
 * client library: writes a request in one write, reads the status line, headers and a
 * {@code Content-Length} or chunked body. Not thread-safe; one per client thread.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private boolean chunked;
    private int chunkLeft;
    private boolean ended;
    /** Our own read buffer: BufferedInputStream's read() is synchronized, which shows at a byte per call. */
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;

    RawHttp(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.host = host + ":" + port;
    }

    /** POSTs a JSON body and returns the status; the response body is read and dropped. */
    int post(String path, byte[] body) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        out.write(request);
        out.flush();
        int status = readHead();
        if (chunked) {
            while (readBodyLine() != null) {
                // drain
            }
        } else {
            for (int i = 0; i < chunkLeft; i++) {
                if (read() < 0) {
                    throw new EOFException("connection closed in a body");
                }
            }
        }
        return status;
    }

    /** Sends a GET for an endpoint that streams (SSE); returns the status. Then read with {@link #readBodyLine()}. */
    int openStream(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readHead();
    }

    private int readHead() throws IOException {
        String status = readLine();
        chunked = false;
        chunkLeft = 0;
        ended = false;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("content-length:")) {
                chunkLeft = Integer.parseInt(l.substring(15).trim());
            } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                chunked = true;
            }
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    /** The next line of a chunked body (chunk framing removed); {@code null} at its end. */
    String readBodyLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            if (ended) {
                return null;
            }
            if (chunkLeft == 0) {
                String size = readLine();
                if (size.isEmpty()) {
                    size = readLine();   // the CRLF after the previous chunk's data
                }
                int semi = size.indexOf(';');
                chunkLeft = Integer.parseInt(semi < 0 ? size.trim() : size.substring(0, semi).trim(), 16);
                if (chunkLeft == 0) {
                    readLine();   // the empty line after the last chunk
                    ended = true;
                    return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
                }
            }
            int b = read();
            if (b < 0) {
                throw new EOFException("connection closed in a chunk");
            }
            chunkLeft--;
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    private int read() throws IOException {
        if (pos == limit) {
            int n = in.read(buf);
            if (n <= 0) {
                return -1;
            }
            pos = 0;
            limit = n;
        }
        return buf[pos++] & 0xff;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = read(); b != '\n'; b = read()) {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
