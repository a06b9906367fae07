package dev.pipe.servlet;

import java.util.Objects;

/**
 * Where a {@link PipeServlet} is mapped: a prefix such as {@code /api/v1/pipe} (or {@code /} for the root) and the
 * servlet mapping it gives, the same on every container.
 */
public final class PipeMapping {

    private PipeMapping() {
    }

    /**
     * The servlet path spec for a prefix: {@code /api/v1/pipe} gives {@code /api/v1/pipe/*}, {@code /} gives
     * {@code /*}.
     *
     * @param pathPrefix where the servlet is mounted; as {@link #normalizePrefix} accepts it
     * @return the path spec to map the servlet with
     * @throws IllegalArgumentException when {@link #normalizePrefix} does not accept the prefix
     */
    public static String pathSpec(String pathPrefix) {
        return normalizePrefix(pathPrefix) + "/*";
    }

    /**
     * A prefix without its trailing slash ({@code ""} for the root).
     *
     * @param pathPrefix where the servlet is mounted: starts with {@code /} and holds no {@code *}, {@code ?},
     *                   {@code #} or {@code //}; trailing slashes are dropped
     * @return the prefix without its trailing slashes; {@code ""} for {@code /}
     * @throws IllegalArgumentException when it does not start with {@code /} or holds characters a path spec cannot
     */
    public static String normalizePrefix(String pathPrefix) {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (!pathPrefix.startsWith("/") || pathPrefix.contains("*") || pathPrefix.contains("?")
                || pathPrefix.contains("#") || pathPrefix.contains("//")) {
            throw new IllegalArgumentException("path prefix must start with '/' and hold no '*', '?', '#' or '//': "
                    + pathPrefix);
        }
        String prefix = pathPrefix;
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix;
    }
}
