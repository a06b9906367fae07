package dev.pipe.client;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The little of HTTP/1.1 a pipe's parties need, on a socket of their own: one request per connection, its response's
 * head, and its body framed as the head says, where a body cut off before its end throws (a chunked one without its
 * last chunk, a sized one short of its length). Stateless.
 */
final class Http1 {

    static final int BUFFER = 64 * 1024;

    private Http1() {
    }

    /** A response's status and headers (names in any case). */
    record Head(int status, Map<String, List<String>> headers) {

        String first(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A connection to {@code uri}'s server: TLS for https, with the server's name and certificate checked. */
    static Socket connect(URI uri, SSLContext tls, Duration timeout) throws IOException {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (!https) {
            return plain;
        }
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, uri.getHost(), port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** A request's head: {@code method} on {@code uri}, the token if any, {@code headers} ("Name: value" each). */
    static byte[] requestHead(String method, URI uri, String token, List<String> headers) {
        StringBuilder head = new StringBuilder(256);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
        if (uri.getPort() > 0) {
            head.append(':').append(uri.getPort());
        }
        head.append("\r\nUser-Agent: pipe-client\r\nConnection: close\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads a response's head.
     *
     * @throws IOException when the connection ends before a status line (the server closed it without an answer) or
     *                     the head is not HTTP/1.x
     */
    static Head readHead(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("The server closed the connection without an answer.");
        }
        String[] parts = status.split(" ", 3);
        if (!status.startsWith("HTTP/1.") || parts.length < 2) {
            throw new IOException("The server did not answer with HTTP/1.x: " + status);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(header.substring(0, colon).trim(), name -> new ArrayList<>())
                        .add(header.substring(colon + 1).trim());
            }
        }
        try {
            return new Head(Integer.parseInt(parts[1]), headers);
        } catch (NumberFormatException e) {
            throw new IOException("The server's status is not a number: " + status);
        }
    }

    /** The body that follows {@code head}, framed as it says; {@code connection} is closed with it. */
    static InputStream body(InputStream in, Head head, java.io.Closeable connection) {
        String encoding = head.first("Transfer-Encoding");
        String length = head.first("Content-Length");
        InputStream body = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")
                ? new ChunkedInputStream(in)
                : new BoundedInputStream(in, length == null ? -1 : Long.parseLong(length.trim()));
        return new FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                connection.close();
            }
        };
    }

    /** A head line (ISO-8859-1, without its line end), or null at the end of the stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() > 16 * 1024) {
                throw new IOException("A response header line is over 16 KiB.");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
