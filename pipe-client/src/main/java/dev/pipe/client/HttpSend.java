package dev.pipe.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One sender's exchange over HTTP/1.1 on a socket of its own: the request body is written by a thread of its own
 * while the calling thread reads the response's progress lines as they come, which the JDK's {@code HttpClient}
 * cannot do (it hands over a response only once the whole request body is sent). The response is read to its end: a
 * clean end is a transfer every receiver got, a cut one (no last chunk) a failure, with the server's last
 * {@code [ERROR]} line as its message.
 */
final class HttpSend {

    private static final int BUFFER = 64 * 1024;

    private final URI uri;
    private final String token;
    private final SSLContext tls;
    private final Duration connectTimeout;

    HttpSend(URI uri, String token, SSLContext tls, Duration connectTimeout) {
        this.uri = uri;
        this.token = token;
        this.tls = tls;
        this.connectTimeout = connectTimeout;
    }

    /** Sends {@code upload}, telling {@code events} each progress line; returns how it ended. */
    SendResult send(Upload upload, Consumer<SendEvent> events) throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            long length = upload.length();
            out.write(head(upload, length).getBytes(StandardCharsets.ISO_8859_1));
            BodyWriter writer = new BodyWriter(upload, socket, length < 0);
            Thread thread = new Thread(writer, "pipe-send-body");
            thread.setDaemon(true);
            thread.start();
            try {
                SendResult result = read(new BufferedInputStream(socket.getInputStream(), BUFFER), events, writer);
                writer.throwIfSourceFailed();
                return result;
            } catch (PipeClientException e) {
                writer.throwIfSourceFailed(); // the server's word on a cut request is the source's failure
                throw e;
            } finally {
                socket.close(); // a writer blocked on a refused request gets out at once
                joinQuietly(thread);
            }
        }
    }

    private Socket connect() throws IOException {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.min(Integer.MAX_VALUE,
                connectTimeout.toMillis()));
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

    private String head(Upload upload, long length) {
        StringBuilder head = new StringBuilder(256);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        head.append("PUT ").append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost());
        if (uri.getPort() > 0) {
            head.append(':').append(uri.getPort());
        }
        head.append("\r\nUser-Agent: pipe-client\r\nConnection: close\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (upload.contentType() != null) {
            head.append("Content-Type: ").append(upload.contentType()).append("\r\n");
        }
        if (upload.fileName() != null) {
            head.append("Content-Disposition: attachment; filename=\"")
                    .append(upload.fileName().replaceAll("[\"\\\\\\r\\n]", "_")).append("\"\r\n");
        }
        head.append(length >= 0 ? "Content-Length: " + length : "Transfer-Encoding: chunked").append("\r\n\r\n");
        return head.toString();
    }

    private static SendResult read(InputStream in, Consumer<SendEvent> events, BodyWriter writer) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new PipeClientException(0, "The server did not answer with HTTP/1.x: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        boolean chunked = false;
        long length = -1;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            String name = colon < 0 ? header : header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : header.substring(colon + 1).trim();
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("content-length")) {
                length = Long.parseLong(value);
            }
        }
        InputStream body = chunked ? new ChunkedInputStream(in) : new BoundedInputStream(in, length);
        Lines lines = new Lines(status == 200 ? events : refusal -> { }); // a refusal's line is the exception's
        boolean clean = lines.readAll(body);
        if (status != 200) {
            String message = lines.lastError != null ? lines.lastError : lines.text().strip();
            throw new PipeClientException(status, message.isEmpty() ? "(no message)" : message);
        }
        if (!clean || lines.lastError != null) {
            throw new PipeClientException(0, lines.lastError != null ? lines.lastError
                    : "The server cut the transfer off before its end.");
        }
        return new SendResult(writer.written, lines.done);
    }

    /** A header line (ISO-8859-1, without CRLF), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() > 16 * 1024) {
                throw new PipeClientException(0, "A response header line is over 16 KiB.");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The response body cut into lines, each told as an event as soon as it is complete. */
    private static final class Lines {
        private final Consumer<SendEvent> events;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private final StringBuilder all = new StringBuilder();
        String lastError;
        SendEvent.Done done;

        Lines(Consumer<SendEvent> events) {
            this.events = events;
        }

        /** Reads to the end; true when the body ended as its framing says, false when it was cut off. */
        boolean readAll(InputStream body) throws IOException {
            byte[] buffer = new byte[8192];
            try {
                for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            emit();
                        } else {
                            line.write(buffer[i]);
                        }
                    }
                }
            } catch (EOFException cut) {
                flush();
                return false;
            }
            flush();
            return true;
        }

        String text() {
            return all.toString();
        }

        private void flush() {
            if (line.size() > 0) {
                emit();
            }
        }

        private void emit() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (all.length() < 64 * 1024) {
                all.append(text).append('\n');
            }
            SendEvent event = SendEvent.parse(text);
            if (event instanceof SendEvent.Failed failed) {
                lastError = failed.message();
            } else if (event instanceof SendEvent.Done summary) {
                done = summary;
            }
            events.accept(event);
        }
    }

    /** Writes the request body from its own thread, framed as chunks when its length is not known. */
    private static final class BodyWriter implements Runnable {
        private final Upload upload;
        private final Socket socket;
        private final boolean chunked;
        volatile long written;
        private volatile IOException sourceFailure;

        BodyWriter(Upload upload, Socket socket, boolean chunked) {
            this.upload = upload;
            this.socket = socket;
            this.chunked = chunked;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[BUFFER];
            try (InputStream in = upload.open()) {
                OutputStream out = socket.getOutputStream();
                for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) {
                    if (n == 0) {
                        continue;
                    }
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.write(buffer, 0, n);
                    if (chunked) {
                        out.write('\r');
                        out.write('\n');
                    }
                    out.flush();
                    written += n;
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            } catch (IOException e) {
                // a write that failed: the response says why (a refusal, a failed transfer). A source that failed
                // has cut the request short: the server sees the sender abort, and its answer is still read
                shutdownOutput();
            }
        }

        private int read(InputStream in, byte[] buffer) throws IOException {
            try {
                return in.read(buffer);
            } catch (IOException e) {
                sourceFailure = e;
                throw e;
            }
        }

        private void shutdownOutput() {
            try {
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // the socket is gone already: the reader sees that too
            }
        }

        void throwIfSourceFailed() throws IOException {
            IOException failure = sourceFailure;
            if (failure != null) {
                throw new IOException("Reading what was to be sent failed: " + failure.getMessage(), failure);
            }
        }
    }
}
