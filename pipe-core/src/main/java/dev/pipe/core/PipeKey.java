package dev.pipe.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The name of a pipe: its path, percent-decoded, compared exactly. A path works like a password (whoever
 * knows it can join), so {@link #toString()} shows a short hash of it, never the path: keys can be logged.
 *
 * <p>Build keys with {@link PipeRegistry#key(String)}, which applies the configured length limit.
 */
public final class PipeKey {

    private final String path;
    private final String hash;

    private PipeKey(String path) {
        this.path = path;
        this.hash = shortHash(path);
    }

    /**
     * A key for {@code path}, which must be non-empty and at most {@code maxBytes} long in UTF-8.
     *
     * @param path     the percent-decoded pipe path
     * @param maxBytes the longest path allowed, in UTF-8 bytes
     * @return the key
     * @throws PipeException {@code INVALID_KEY} or {@code KEY_TOO_LONG}
     */
    public static PipeKey of(String path, int maxBytes) throws PipeException {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw new PipeException(PipeException.Reason.INVALID_KEY, "The pipe path is empty: add a name, like '/mypath123'.");
        }
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new PipeException(PipeException.Reason.KEY_TOO_LONG,
                    "The pipe path is " + bytes + " bytes long; the limit is " + maxBytes + ".");
        }
        return new PipeKey(path);
    }

    /**
     * The path itself. Treat it as a secret: never log it.
     *
     * @return the percent-decoded path, never empty
     */
    public String path() {
        return path;
    }

    /**
     * A short hash of the path, for logs: {@code #9c1e4b}.
     *
     * @return {@code #} and six hex digits of the path's SHA-256
     */
    public String hash() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PipeKey that && path.equals(that.path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    /** The short hash, never the path. */
    @Override
    public String toString() {
        return hash;
    }

    private static String shortHash(String path) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return "#" + HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }
}
