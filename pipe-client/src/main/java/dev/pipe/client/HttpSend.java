package dev.pipe.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * One sender's exchange over HTTP/1.1 on a socket of its own: the request body is written by a thread of its own
 * while the calling thread reads the response's progress lines as they come, which the JDK's {@code HttpClient}
 * cannot do (it hands over a response only once the whole request body is sent). The response is read to its end: a
 * clean end is a transfer every receiver got, a cut one (no last chunk) a failure, with the server's last
 * {@code [ERROR]} line as its message.
 */
final class HttpSend {

    private static final int BUFFER = Http1.BUFFER;

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
        long length = upload.length();
        try (Socket socket = Http1.connect(uri, tls, connectTimeout)) {
            socket.getOutputStream().write(head(upload, length));
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

    private byte[] head(Upload upload, long length) {
        List<String> headers = new ArrayList<>(3);
        if (upload.contentType() != null) {
            headers.add("Content-Type: " + upload.contentType());
        }
        if (upload.fileName() != null) {
            headers.add("Content-Disposition: attachment; filename=\""
                    + upload.fileName().replaceAll("[\"\\\\\r\n]", "_") + "\"");
        }
        headers.add(length >= 0 ? "Content-Length: " + length : "Transfer-Encoding: chunked");
        return Http1.requestHead("PUT", uri, token, headers);
    }

    private static SendResult read(InputStream in, Consumer<SendEvent> events, BodyWriter writer) throws IOException {
        Http1.Head head = Http1.readHead(in);
        Lines lines = new Lines(head.status() == 200 ? events : refusal -> { }); // a refusal's line is the exception's
        boolean clean = lines.readAll(Http1.body(in, head, () -> { })); // the socket is closed by send
        if (head.status() != 200) {
            String message = lines.lastError != null ? lines.lastError : lines.text().strip();
            throw new PipeClientException(head.status(), message.isEmpty() ? "(no message)" : message);
        }
        if (!clean || lines.lastError != null) {
            throw new PipeClientException(0, lines.lastError != null ? lines.lastError
                    : "The server cut the transfer off before its end.");
        }
        return new SendResult(writer.written, lines.done);
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
