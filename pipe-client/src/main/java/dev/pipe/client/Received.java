package dev.pipe.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A receiver's stream, once its pipe is established: the sender's bytes as they come, and the headers it forwarded.
 * A stream the server cut off throws an {@link IOException} from {@code read}: it never looks complete. Close it to
 * leave the pipe.
 */
public final class Received implements AutoCloseable {

    private final InputStream body;
    private final HttpHeaders headers;

    Received(InputStream body, HttpHeaders headers) {
        this.body = body;
        this.headers = headers;
    }

    /**
     * The sender's bytes.
     *
     * @return the stream of the response's body; it throws an {@link IOException} when the server cut it off
     */
    public InputStream body() {
        return body;
    }

    /**
     * Every response header.
     *
     * @return the headers of the response, those the sender forwarded among them
     */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * The sender's {@code Content-Type}, as forwarded.
     *
     * @return the content type, or empty when the response has none
     */
    public Optional<String> contentType() {
        return headers.firstValue("Content-Type");
    }

    /**
     * The file name of the sender's {@code Content-Disposition}, if it gave one.
     *
     * @return the {@code filename} parameter, without quotes, or empty
     */
    public Optional<String> fileName() {
        return headers.firstValue("Content-Disposition").flatMap(Received::fileNameOf);
    }

    static Optional<String> fileNameOf(String disposition) {
        int at = disposition.toLowerCase(java.util.Locale.ROOT).indexOf("filename=");
        if (at < 0) {
            return Optional.empty();
        }
        String value = disposition.substring(at + "filename=".length()).trim();
        if (value.startsWith("\"")) {
            int end = value.indexOf('"', 1);
            value = end < 0 ? value.substring(1) : value.substring(1, end);
        } else {
            int end = value.indexOf(';');
            value = end < 0 ? value : value.substring(0, end).trim();
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
