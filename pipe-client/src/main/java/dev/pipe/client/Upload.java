package dev.pipe.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * What a sender sends: a file (its length known, so it goes with a {@code Content-Length}), a stream or a
 * {@link Flow.Publisher} of buffers (chunked), with the content type and file name its receivers are to get.
 * Immutable; {@link #contentType} and {@link #fileName} return a copy.
 */
public final class Upload {

    private final Path file;
    private final InputStream stream;
    private final Flow.Publisher<ByteBuffer> publisher;
    private final String contentType;
    private final String fileName;

    private Upload(Path file, InputStream stream, Flow.Publisher<ByteBuffer> publisher, String contentType,
                   String fileName) {
        this.file = file;
        this.stream = stream;
        this.publisher = publisher;
        this.contentType = contentType;
        this.fileName = fileName;
    }

    /**
     * The bytes of {@code file}, with its name for the receivers.
     *
     * @param file the file to send; read when the transfer starts
     * @return the upload, with a {@code Content-Length} and the file's name
     */
    public static Upload of(Path file) {
        Path name = Objects.requireNonNull(file, "file").getFileName();
        return new Upload(file, null, null, null, name == null ? null : name.toString());
    }

    /**
     * The bytes of {@code stream}, read to its end (and closed) as the receivers take them.
     *
     * @param stream the bytes to send; the upload owns it from now on
     * @return the upload, sent chunked, with no file name
     */
    public static Upload of(InputStream stream) {
        return new Upload(null, Objects.requireNonNull(stream, "stream"), null, null, null);
    }

    /**
     * The buffers {@code publisher} publishes, asked for one at a time as the receivers take them.
     *
     * @param publisher the bytes to send, subscribed to when the transfer starts
     * @return the upload, sent chunked, with no file name
     */
    public static Upload of(Flow.Publisher<ByteBuffer> publisher) {
        return new Upload(null, null, Objects.requireNonNull(publisher, "publisher"), null, null);
    }

    /**
     * The same bytes with {@code Content-Type: type} for the receivers.
     *
     * @param type the content type, such as {@code text/plain; charset=UTF-8}
     * @return a new upload; this one is unchanged
     */
    public Upload contentType(String type) {
        return new Upload(file, stream, publisher, Objects.requireNonNull(type, "type"), fileName);
    }

    /**
     * The same bytes with {@code name} as their file name ({@code Content-Disposition}); null for none.
     *
     * @param name the file name the receivers get, or null for none
     * @return a new upload; this one is unchanged
     */
    public Upload fileName(String name) {
        return new Upload(file, stream, publisher, contentType, name);
    }

    String contentType() {
        return contentType;
    }

    String fileName() {
        return fileName;
    }

    /** The length when known ahead (a file), else -1. */
    long length() throws IOException {
        return file != null ? Files.size(file) : -1;
    }

    /** Opens the bytes as a stream; a publisher's buffers are handed over one at a time. */
    InputStream open() throws IOException {
        if (file != null) {
            return Files.newInputStream(file);
        }
        if (stream != null) {
            return stream;
        }
        return new PublisherInputStream(publisher);
    }
}
