package dev.pipe.bench.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange over a plain blocking socket: just enough of the protocol to drive a pipe server (a request
 * head, a body with a Content-Length, a response head, and a body framed by Content-Length, chunks or the close),
 * with no allocation per read, so that the load tool costs little next to the server it measures.
 */
final class Http1 implements AutoCloseable {

    final Socket socket;
    final OutputStream out;
    final InputStream in;
    private int status = -1;
    private boolean chunked;
    private long left = -1;       // in the current chunk, or of the Content-Length; -1: up to the close
    private boolean ended;

    private Http1(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** An exchange over a connected channel, used in blocking mode from here on. */
    static Http1 over(java.nio.channels.SocketChannel channel) throws IOException {
        channel.configureBlocking(true);
        return new Http1(channel.socket());
    }

    static Http1 connect(URI base) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        return new Http1(socket);
    }

    /** The {@code contentLength} of a request whose body is chunked. */
    static final long CHUNKED = -2;

    /** Writes a request head; {@code contentLength} -1 for no body, {@link #CHUNKED} for a chunked one. */
    Http1 request(URI base, String method, String pathAndQuery, long contentLength) throws IOException {
        StringBuilder head = new StringBuilder(128).append(method).append(' ').append(base.getRawPath())
                .append('/').append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(base.getHost()).append(':')
                .append(base.getPort()).append("\r\n");
        if (contentLength >= 0) {
            head.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(contentLength)
                    .append("\r\n");
        } else if (contentLength == CHUNKED) {
            head.append("Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads the response head; returns the status. */
    int readHead() throws IOException {
        if (status >= 0) {
            return status;
        }
        String statusLine = line();
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        for (String line = line(); ; line = line()) {
            if (line == null) {
                throw new EOFException("end of stream in the response head");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equals("content-length")) {
                left = Long.parseLong(value);
            }
        }
        if (chunked) {
            left = 0;
        }
        return status;
    }

    /**
     * Reads body bytes into {@code buffer}; -1 at the end of a complete body. A body cut off before its framing says
     * it ends is an {@link EOFException}.
     */
    int read(byte[] buffer, int offset, int length) throws IOException {
        readHead();
        if (ended) {
            return -1;
        }
        if (chunked && left == 0) {
            String size = line();
            if (size == null) {
                throw new EOFException("cut off before a chunk");
            }
            if (size.isEmpty()) { // the CRLF after the previous chunk
                size = line();
                if (size == null) {
                    throw new EOFException("cut off before a chunk");
                }
            }
            int semicolon = size.indexOf(';');
            left = Long.parseLong(semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
            if (left == 0) {
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // trailers: none expected
                }
                ended = true;
                return -1;
            }
        } else if (!chunked && left == 0) {
            ended = true;
            return -1;
        }
        int want = left < 0 ? length : (int) Math.min(length, left);
        int read = in.read(buffer, offset, want);
        if (read < 0) {
            if (left < 0) {
                ended = true;
                return -1;
            }
            throw new EOFException("cut off with " + left + " bytes of body missing");
        }
        if (left > 0) {
            left -= read;
        }
        return read;
    }

    /** Reads the body to its end and returns it as text (a sender's progress, an error). */
    String readText() throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        for (int n = read(buffer, 0, buffer.length); n >= 0; n = read(buffer, 0, buffer.length)) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    private String line() throws IOException {
        return line(in);
    }

    /** One line of a head (CRLF or LF), without its end; null at the end of the stream. */
    static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                int last = line.length() - 1;
                return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
