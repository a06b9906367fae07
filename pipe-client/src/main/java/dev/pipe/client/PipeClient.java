package dev.pipe.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A client of a pipe server: this project's (with its prefix, {@code http://host:8080/api/v1/pipe}) or any
 * piping-server ({@code https://ppng.io}).
 *
 * <pre>{@code
 * PipeClient pipes = PipeClient.builder(URI.create("http://127.0.0.1:8080/api/v1/pipe")).build();
 * // a sender, with its progress as typed events
 * pipes.send("replay", 8, Upload.of(Path.of("incident.log")), event -> System.err.println(event.line()));
 * // a receiver, elsewhere
 * try (Received received = pipes.receive("replay", 8)) {
 *     received.body().transferTo(System.out);
 * }
 * }</pre>
 *
 * <p>Both sides speak HTTP/1.1 on a socket of the client's own. A sender has one thread writing the body while the
 * caller reads the progress: the JDK's {@code HttpClient} (Java 17) hands over a response only once the whole
 * request body is sent, so a sender would see none of its progress until the end. A receiver does not use it
 * either: when a connection closes before any answer (a pipe whose sender left at once), it sends the {@code GET}
 * again, and the receiver would join a new pipe and wait there, instead of hearing that its transfer failed.
 * Thread-safe: one client serves any number of transfers at once.
 */
public final class PipeClient {

    private final URI base;
    private final String token;
    private final Duration connectTimeout;
    private final SSLContext tls;

    private PipeClient(Builder builder) {
        String text = builder.base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.token = builder.token;
        this.connectTimeout = builder.connectTimeout;
        this.tls = builder.tls;
    }

    /**
     * A client of the pipes under {@code base}: {@code http://host:8080/api/v1/pipe}, or a piping-server's root.
     *
     * @param base the URL the pipes' paths follow; {@code http} or {@code https}, a trailing slash is dropped
     * @return a builder with no token, a 10 s connect timeout and the JDK's TLS context
     * @throws IllegalArgumentException when {@code base} is neither {@code http} nor {@code https}
     */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /**
     * Sends {@code upload} to pipe {@code path} for {@code n} receivers and returns once every receiver has every
     * byte; {@code progress} hears each line of the server's as it comes (on the calling thread).
     *
     * @param path     the pipe's path under the base, such as {@code replay} or {@code team/replay}; each segment is
     *                 percent-encoded
     * @param n        the pipe's number of receivers, 1 or more
     * @param upload   what to send
     * @param progress hears each line of the server's, typed
     * @return the bytes sent, and the server's closing line when it writes one
     * @throws PipeClientException when the server refused (its status and line) or the transfer failed (status 0,
     *                             the server's {@code [ERROR]} line)
     * @throws IOException         when the server cannot be reached or what was to be sent cannot be read
     */
    public SendResult send(String path, int n, Upload upload, Consumer<SendEvent> progress) throws IOException {
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(progress, "progress");
        return new HttpSend(uri(path, n), token, tls, connectTimeout).send(upload, progress);
    }

    /**
     * As {@link #send}, on a thread of its own; the future fails with the same exceptions.
     *
     * @param path     the pipe's path under the base, as for {@link #send}
     * @param n        the pipe's number of receivers, 1 or more
     * @param upload   what to send
     * @param progress hears each line of the server's, on the sending thread
     * @return the result of {@link #send}, once every receiver has every byte
     */
    public CompletableFuture<SendResult> sendAsync(String path, int n, Upload upload, Consumer<SendEvent> progress) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(send(path, n, upload, progress));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "pipe-send");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /**
     * Joins pipe {@code path} as one of its {@code n} receivers and returns once the pipe is established (the
     * sender and every receiver are there), with the sender's bytes to read.
     *
     * @param path the pipe's path under the base, as for {@link #send}
     * @param n    the pipe's number of receivers, 1 or more; as the sender's
     * @return the sender's bytes and headers; close it to leave the pipe
     * @throws PipeClientException when the server refused (its status and line), the join window ended (504), ...
     */
    public Received receive(String path, int n) throws IOException {
        URI uri = uri(path, n);
        Socket socket = Http1.connect(uri, tls, connectTimeout);
        try {
            socket.getOutputStream().write(Http1.requestHead("GET", uri, token, List.of()));
            InputStream in = new BufferedInputStream(socket.getInputStream(), Http1.BUFFER);
            Http1.Head head = Http1.readHead(in); // once the pipe is established, or refused
            InputStream body = Http1.body(in, head, socket);
            if (head.status() != 200) {
                String text = new String(body.readNBytes(16 * 1024), StandardCharsets.UTF_8).strip();
                String message = text.startsWith("[ERROR] ") ? text.substring("[ERROR] ".length()) : text;
                throw new PipeClientException(head.status(), message.isEmpty() ? "(no message)" : message);
            }
            return new Received(body, HttpHeaders.of(head.headers(), (name, value) -> true));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Receives pipe {@code path} into {@code file}, written whole or not at all (a cut-off stream leaves no file);
     * returns the bytes received.
     *
     * @param path the pipe's path under the base, as for {@link #send}
     * @param n    the pipe's number of receivers, 1 or more; as the sender's
     * @param file where to write the bytes; replaced when it exists. A temporary file beside it holds them until the
     *             end
     * @return the number of bytes received and written
     * @throws IOException when the server refused or cut the stream off ({@link PipeClientException}), or the file
     *                     cannot be written
     */
    public long receive(String path, int n, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path partial = Files.createTempFile(parent, "." + file.getFileName(), ".part");
        try (Received received = receive(path, n)) {
            long bytes = Files.copy(received.body(), partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            return bytes;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The URL of pipe {@code path} for {@code n} receivers: each path segment percent-encoded. */
    URI uri(String path, int n) {
        Objects.requireNonNull(path, "path");
        if (n < 1) {
            throw new IllegalArgumentException("n must be 1 or more, not " + n);
        }
        StringBuilder url = new StringBuilder(base.toString());
        for (String segment : path.split("/", -1)) {
            if (!segment.isEmpty()) {
                url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return URI.create(url + "?n=" + n);
    }

    /** How to reach the server. */
    public static final class Builder {
        private final URI base;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private SSLContext tls;

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
            String scheme = base.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("the base URL must be http or https: " + base);
            }
            try {
                tls = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new UncheckedIOException(new IOException("no TLS in this JDK", e));
            }
        }

        /**
         * Sends {@code Authorization: Bearer token} with every request.
         *
         * @param token the bearer token; null or blank for none. Leading and trailing spaces are dropped
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.strip();
            return this;
        }

        /**
         * How long connecting may take (default 10 s); a pipe itself may wait as long as the server allows.
         *
         * @param timeout the longest a connection may take to open
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The TLS context for {@code https} (default: the JDK's, which trusts the usual authorities).
         *
         * @param context the context whose trust decides which servers are accepted
         * @return this builder
         */
        public Builder tls(SSLContext context) {
            this.tls = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * A client with these settings; the builder may go on to build others.
         *
         * @return the client
         */
        public PipeClient build() {
            return new PipeClient(this);
        }
    }
}
