package dev.pipe.jetty;

import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletApiResponse;
import org.eclipse.jetty.http.HttpField;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The headers every pipe response carries, and the one-line error responses. */
final class Responses {

    static final String ALLOW = "GET, HEAD, POST, PUT, OPTIONS";

    private Responses() {
    }

    /** Headers on every response of a pipe path (PROTOCOL.md section 7). */
    static void common(HttpServletResponse response) {
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("X-Robots-Tag", "none");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
    }

    /**
     * Adds a header with its value exactly as given. The Servlet API rewrites a {@code Content-Type} it is given
     * ({@code text/plain; charset=UTF-8} becomes {@code text/plain;charset=utf-8}); a forwarded header must reach the
     * receiver as the sender wrote it, so on Jetty's own response it goes straight into the response's fields.
     */
    static void addExact(HttpServletResponse response, String name, String value) {
        if (response instanceof ServletApiResponse jetty) {
            // a field without its well-known header, so that the servlet layer leaves the value alone
            jetty.getResponse().getHeaders().add(new HttpField(null, name, value));
        } else {
            response.addHeader(name, value);
        }
    }

    /** The body of an error: one {@code [ERROR]} line. */
    static byte[] errorBody(String message) {
        return ("[ERROR] " + message + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Prepares an error response: status, {@code text/plain} exactly, {@code Content-Length}. */
    static byte[] prepareError(HttpServletResponse response, int status, String message) {
        byte[] body = errorBody(message);
        response.setStatus(status);
        common(response);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        return body;
    }

    /**
     * Writes a small error response before anything else was written and before a write listener is set: from the
     * request thread, or from a read callback of a form that is refused. The body is one short line into an empty
     * socket buffer, so the write does not wait on the client.
     */
    static void sendError(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = prepareError(response, status, message);
        response.getOutputStream().write(body);
    }
}
