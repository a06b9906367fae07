package dev.pipe.servlet;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, for what {@code HttpClient} cannot do: half-sent bodies, readers that
 * stop reading, abrupt closes, and a look at the framing (did a chunked body end with its last chunk?).
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private Head head;
    private Body body;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** A connection to {@code server}; reads give up after {@link TestServer#LONG_WAIT}. */
    public static RawHttp connect(TestServer server) throws IOException {
        return connect(server, 0);
    }

    /**
     * A connection whose receive buffer is fixed at {@code receiveBuffer} bytes (0: the system's, auto-tuned), so
     * that a reader that stops reading holds back the server after a known number of bytes.
     */
    public static RawHttp connect(TestServer server, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connect, so that the window is sized by it
        }
        socket.setSoTimeout((int) TestServer.LONG_WAIT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        return new RawHttp(socket);
    }

    /** Sets how long a read may wait before it fails (the default is {@link TestServer#LONG_WAIT}). */
    public RawHttp readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /** Sends a request head: {@code METHOD target HTTP/1.1}, {@code Host}, then {@code headers} ("Name: value"). */
    public RawHttp request(String method, String target, String... headers) throws IOException {
        return requestIn("HTTP/1.1", method, target, headers);
    }

    /** Sends a request head in {@code version} ({@code HTTP/1.0} or {@code HTTP/1.1}). */
    public RawHttp requestIn(String version, String method, String target, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version)
                .append("\r\n")
                .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** {@code GET} of a pipe path such as {@code replay?n=2}. */
    public static RawHttp get(TestServer server, String pathAndQuery) throws IOException {
        return connect(server).request("GET", TestServer.PREFIX + "/" + pathAndQuery);
    }

    /** {@code PUT} of a pipe path with a chunked body, to be written with {@link #chunk} and {@link #lastChunk}. */
    public static RawHttp putChunked(TestServer server, String pathAndQuery) throws IOException {
        return connect(server).request("PUT", TestServer.PREFIX + "/" + pathAndQuery, "Transfer-Encoding: chunked");
    }

    /** Writes {@code bytes} as one chunk of a chunked body, and flushes. */
    public void chunk(byte[] bytes, int offset, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, offset, length);
        out.write(new byte[] {'\r', '\n'});
        out.flush();
    }

    public void chunk(byte[] bytes) throws IOException {
        chunk(bytes, 0, bytes.length);
    }

    /** Ends a chunked body. */
    public void lastChunk() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes raw bytes: part of a request, or a body with a {@code Content-Length}. */
    public void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /** Writes raw bytes (a body with a {@code Content-Length}). */
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
    }

    /** Reads the response's status line and headers (once; later calls return the same head). */
    public Head head() throws IOException {
        if (head == null) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed before the end of the response head: '"
                            + text.toString(StandardCharsets.ISO_8859_1) + "'");
                }
                text.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            head = Head.parse(text.toString(StandardCharsets.ISO_8859_1));
        }
        return head;
    }

    /** The response body, decoded by its framing (chunked, Content-Length, or up to the close). */
    public Body body() throws IOException {
        if (body == null) {
            body = new Body(in, head());
        }
        return body;
    }

    /** Closes our sending side (a FIN): the server sees the client leave, and we can still read what it does. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads until the server closes the connection; true when it did (an EOF or a reset) within the read timeout. */
    public boolean awaitServerClose() throws IOException {
        try {
            byte[] scratch = new byte[8192];
            while (in.read(scratch) >= 0) {
                // whatever is left
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** Drops the connection with a reset (SO_LINGER 0), as a killed client or a pulled cable does: no FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A status line and headers; header names compared without case. */
    public record Head(String statusLine, int status, Map<String, List<String>> headers, List<String> names) {

        public static Head parse(String text) {
            String[] lines = text.split("\r\n");
            String statusLine = lines[0];
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IllegalStateException("not a status line: '" + statusLine + "'");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    names.add(lines[i].substring(0, colon));
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
                }
            }
            return new Head(statusLine, Integer.parseInt(parts[1]), headers, List.copyOf(names));
        }

        /** Every value of header {@code name}, in order (empty when absent). */
        public List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        /** The only value of header {@code name}, or null; fails when it is given more than once. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            if (values == null) {
                return null;
            }
            if (values.size() != 1) {
                throw new AssertionError("header " + name + " given " + values.size() + " times: " + values);
            }
            return values.get(0);
        }
    }

    /**
     * A response body decoded by its framing. A chunked body that stops without its last chunk, or a body shorter than
     * its {@code Content-Length}, reads as an early end of stream and is not {@link #complete()}.
     */
    public static final class Body extends InputStream {
        private final InputStream in;
        private final boolean chunked;
        private final long length;      // Content-Length, or -1
        private long left;              // in the current chunk, or of the Content-Length
        private long count;
        private boolean complete;
        private boolean eof;

        Body(InputStream in, Head head) {
            this.in = in;
            String encoding = head.header("Transfer-Encoding");
            this.chunked = encoding != null && encoding.equalsIgnoreCase("chunked");
            String contentLength = head.header("Content-Length");
            this.length = chunked || contentLength == null ? -1 : Long.parseLong(contentLength);
            this.left = length;
        }

        /** True once the body ended as its framing says it must: the last chunk, or the whole Content-Length. */
        public boolean complete() {
            return complete;
        }

        /** Bytes of body read so far. */
        public long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (eof) {
                return -1;
            }
            if (chunked && left <= 0) {
                if (left == 0 && !crlf()) {
                    return end(false);
                }
                String size = line();
                if (size == null) {
                    return end(false);
                }
                int semicolon = size.indexOf(';');
                left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (left == 0) {
                    for (String trailer = line(); ; trailer = line()) {
                        if (trailer == null) {
                            return end(false);
                        }
                        if (trailer.isEmpty()) {
                            return end(true);
                        }
                    }
                }
            }
            if (!chunked && length >= 0 && left == 0) {
                return end(true);
            }
            int want = (int) (chunked || length >= 0 ? Math.min(len, left) : len);
            int read = in.read(b, off, want);
            if (read < 0) {
                return end(!chunked && length < 0);
            }
            count += read;
            if (chunked || length >= 0) {
                left -= read;
            }
            return read;
        }

        /** Reads to the end into {@code digest} (may be null); returns the bytes read. */
        public long drainInto(MessageDigest digest) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n = read(buffer, 0, buffer.length); n >= 0; n = read(buffer, 0, buffer.length)) {
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                total += n;
            }
            return total;
        }

        private int end(boolean asFramed) {
            eof = true;
            complete = asFramed;
            return -1;
        }

        private boolean crlf() throws IOException {
            return in.read() == '\r' && in.read() == '\n';
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    int last = line.length() - 1;
                    return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
                }
                line.append((char) b);
            }
            return null;
        }
    }
}
