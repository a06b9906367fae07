package dev.pipe.bench.load;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A scenario's {@code --option value} pairs, the server's base URL and, when given, its process. */
final class Options {

    private static final AtomicInteger PATHS = new AtomicInteger();

    private final Map<String, String> values;
    private final URI url;
    private final Proc server;

    Options(Map<String, String> values) {
        this.values = values;
        this.url = URI.create(option("url", "http://127.0.0.1:8080/api/v1/pipe").replaceAll("/+$", ""));
        String pid = values.get("server-pid");
        this.server = pid == null ? null : new Proc(pid);
    }

    /** The base URL: pipes are {@code url/PATH?n=N}. */
    URI url() {
        return url;
    }

    /** The server's process ({@code --server-pid}), or null. */
    Proc server() {
        return server;
    }

    String option(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The option's value, or null when not given. */
    String option(String name) {
        return values.get(name);
    }

    int intOption(String name, int fallback) {
        return Integer.parseInt(option(name, String.valueOf(fallback)));
    }

    /** A size such as {@code 256m}, {@code 1g}, {@code 64k} or a number of bytes. */
    static long size(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        long unit = lower.endsWith("g") ? 1L << 30 : lower.endsWith("m") ? 1L << 20 : lower.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? lower : lower.substring(0, lower.length() - 1)) * unit;
    }

    /** A pipe path no other run uses: the scenario, this process and a counter. */
    static String path(String scenario) {
        return scenario + "-" + ProcessHandle.current().pid() + "-" + PATHS.incrementAndGet() + "-"
                + Long.toHexString(System.nanoTime());
    }
}
