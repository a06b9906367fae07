package dev.pipe.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/** The texts of the standalone server's pages, with the server's own URL in every example. */
final class Pages {

    private Pages() {
    }

    /**
     * {@code /help}: curl recipes, in the reference's layout, for pipes under {@code pipes}; with {@code http2}, how to
     * speak HTTP/2 to this server too.
     */
    static String help(String version, String pipes, boolean http2) {
        if (!http2) {
            return help(version, pipes);
        }
        return help(version, pipes) + (pipes.startsWith("https:") ? HTTPS_HELP : H2C_HELP).formatted(pipes);
    }

    private static final String H2C_HELP = """

            ======= HTTP/2 =======
            # This server speaks HTTP/2 in clear text on the same port, with prior knowledge or by upgrading:
            curl --http2-prior-knowledge %1$s/mypath
            curl --http2 %1$s/mypath
            """;

    private static final String HTTPS_HELP = """

            ======= HTTP/2 =======
            # Over HTTPS, HTTP/2 or HTTP/1.1 is chosen when the connection starts (ALPN); curl takes HTTP/2:
            curl --http2 %1$s/mypath
            curl --http1.1 %1$s/mypath
            """;

    private static String help(String version, String pipes) {
        return """
                Help for pipe %1$s

                ======= Get  =======
                curl %2$s/mypath

                ======= Send =======
                # Send a file
                curl -T myfile %2$s/mypath

                # Send a text
                echo 'hello!' | curl -T - %2$s/mypath

                # Send a directory (tar.gz)
                tar zfcp - ./mydir | curl -T - %2$s/mypath

                ======= Replay to a team =======
                # Eight receivers, each in their own terminal (they wait for each other and the sender):
                curl "%2$s/replay?n=8"
                # The sender, at a readable 50 KB/s:
                cat incident.log | pv -L 50k | curl -T - "%2$s/replay?n=8"

                # A receiver, a sender and n must agree; the pipe waits up to the join timeout for everyone.
                """.formatted(version, pipes);
    }

    /** {@code /status}: the live figures for a person; its script and style carry {@code nonce}. */
    static String status(String nonce) {
        return template("status.html").replace("{{NONCE}}", nonce);
    }

    /** {@code /}: what this server is, forms to send and receive, and the replay story with this server's URL. */
    static String index(String pipesUrl, String pipesPath, String version) {
        return template("index.html")
                .replace("{{PIPES_PATH}}", escape(pipesPath))
                .replace("{{PIPES}}", escape(pipesUrl))
                .replace("{{VERSION}}", escape(version));
    }

    /**
     * {@code /noscript}: the same with forms only, for the pipe {@code path} (may be empty) and {@code n}; its style is
     * allowed by {@code nonce} alone.
     */
    static String noscript(String pipesPath, String path, String n, String nonce) {
        String page = template("noscript.html");
        if (path.isEmpty()) {
            int from = page.indexOf("<!--IF_PATH-->");
            int to = page.indexOf("<!--END_IF_PATH-->");
            if (from >= 0 && to > from) {
                page = page.substring(0, from) + page.substring(to + "<!--END_IF_PATH-->".length());
            }
        }
        return page.replace("{{NONCE}}", nonce)
                .replace("{{ACTION}}", escape(formAction(pipesPath, path, n)))
                .replace("{{PIPES_PATH}}", escape(pipesPath))
                .replace("{{PATH_URL}}", escape(pathUrl(path)))
                .replace("{{PATH}}", escape(path))
                .replace("{{N}}", escape(n.isEmpty() ? "1" : n));
    }

    /**
     * Where {@code /noscript}'s forms send: the pipe's URL relative to the page (which is at the root), as the
     * reference writes it ({@code mypath}; {@code api/v1/pipe/mypath} under a prefix), {@code ?n=} only when not 1.
     */
    static String formAction(String pipesPath, String path, String n) {
        String prefix = pipesPath.startsWith("/") ? pipesPath.substring(1) : pipesPath;
        String query = n.isEmpty() || n.equals("1") ? "" : "?n=" + URLEncoder.encode(n, StandardCharsets.UTF_8);
        return (prefix.isEmpty() ? "" : prefix + "/") + pathUrl(path) + query;
    }

    /** {@code /watch}: joins a pipe as one receiver and shows its lines as they come, terminal-style. */
    static String watch(String pipesPath) {
        return template("watch.html").replace("{{PIPES_PATH}}", escape(pipesPath));
    }

    /** A pipe path as a URL path: each segment percent-encoded, the slashes kept. */
    static String pathUrl(String path) {
        StringJoiner url = new StringJoiner("/");
        for (String segment : path.split("/", -1)) {
            url.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return url.toString();
    }

    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

    private static String template(String name) {
        return TEMPLATES.computeIfAbsent(name, Pages::load);
    }

    private static String load(String name) {
        try (InputStream in = Pages.class.getResourceAsStream("pages/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing page resource: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
