package dev.pipe.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the sender says about its stream, passed to every receiver when the pipe is established. The core does
 * not interpret the metadata: the adapter decides what to forward (over HTTP: content type, disposition, ...).
 *
 * @param contentLength the number of bytes the sender announced, or {@code -1} when it did not say
 * @param metadata      names and values to hand to every receiver, in order
 */
public record TransferInfo(long contentLength, Map<String, List<String>> metadata) {

    /** Nothing known. */
    public static final TransferInfo UNKNOWN = new TransferInfo(-1, Map.of());

    /**
     * Checks the length and keeps an unmodifiable copy of the metadata.
     *
     * @param contentLength at least {@code -1} (not announced)
     * @param metadata      not null; copied
     * @throws IllegalArgumentException when {@code contentLength} is less than {@code -1}
     */
    public TransferInfo {
        if (contentLength < -1) {
            throw new IllegalArgumentException("contentLength < -1: " + contentLength);
        }
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }
}
