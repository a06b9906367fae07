package dev.pipe.servlet;

import dev.pipe.core.PipeException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers every pipe response carries, and the one-line error responses. Public for a container adapter's own
 * error pages (pipe-jetty's {@code PlainErrorHandler}), which must look like the servlet's.
 */
public final class Responses {

    static final String ALLOW = "GET, HEAD, POST, PUT, OPTIONS";

    private Responses() {
    }

    /**
     * The headers on every response, the pipes' and the container's own errors alike (PROTOCOL.md section 7): a
     * browser may read it, nothing may cache, sniff or index it, and no proxy buffers it.
     */
    public static final Map<String, String> COMMON = commonHeaders();

    private static Map<String, String> commonHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", "*");
        headers.put("X-Robots-Tag", "none");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Cache-Control", "no-store");
        headers.put("X-Accel-Buffering", "no");
        return Collections.unmodifiableMap(headers);
    }

    /** Sets the {@link #COMMON} headers. */
    static void common(HttpServletResponse response) {
        COMMON.forEach(response::setHeader);
    }

    /** The one {@code [ERROR]} line, as an error's body or the last line of a sender's progress. */
    static String errorLine(String message) {
        return "[ERROR] " + message;
    }

    /**
     * The body of an error: one {@code [ERROR]} line.
     *
     * @param message the line's text, for the person at the other end, without the prefix
     * @return the line in UTF-8, with a line feed at the end
     */
    public static byte[] errorBody(String message) {
        return (errorLine(message) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Prepares an error response: status, {@code text/plain} exactly, {@code Content-Length}. */
    static byte[] prepareError(Container container, HttpServletResponse response, int status, String message) {
        byte[] body = errorBody(message);
        response.setStatus(status);
        common(response);
        container.contentType(response, "text/plain");
        response.setContentLength(body.length);
        return body;
    }

    /**
     * Writes a small error response before anything else was written and before a write listener is set: from the
     * request thread, or from a read callback of a form that is refused. The body is one short line into an empty
     * socket buffer, so the write does not wait on the client.
     */
    static void sendError(Container container, HttpServletResponse response, int status, String message)
            throws IOException {
        byte[] body = prepareError(container, response, status, message);
        response.getOutputStream().write(body);
    }

    /** Answers a refusal of the core or of the access policy: its status, its headers, its one line. */
    static void refuse(Container container, HttpServletResponse response, PipeException refusal) throws IOException {
        if (refusal.reason() == PipeException.Reason.UNAUTHENTICATED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"pipe\"");
        } else if (refusal.reason() == PipeException.Reason.TOO_MANY_PIPES
                || refusal.reason() == PipeException.Reason.TOO_MANY_WAITING) {
            response.setHeader("Retry-After", "10");
        }
        sendError(container, response, StatusMapping.status(refusal.reason()), refusal.getMessage());
    }
}
