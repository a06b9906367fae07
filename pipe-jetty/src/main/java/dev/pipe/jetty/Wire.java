package dev.pipe.jetty;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What differs between the HTTP versions a party may speak, chosen once per exchange from the request
 * ({@link #of}): how a response of unknown length is framed so that a cut-off one cannot pass for a complete one,
 * whether the connection ends with the response, and whether a sender's progress lines can stream. The connection
 * itself (the idle-timeout lift, the watch for a client hanging up) is the {@link Container}'s, and exists for
 * HTTP/1 only.
 */
enum Wire {

    /** No chunked framing: a body of unknown length ends with the connection; progress lines are sent at the end. */
    HTTP_1_0,
    /** Chunked framing for a body of unknown length; the connection ends with the response. */
    HTTP_1_1,
    /** Streams end on their own (END_STREAM, or a reset when cut off); connection-specific headers are forbidden. */
    HTTP_2;

    /** The wire of {@code request}. */
    static Wire of(HttpServletRequest request) {
        return switch (request.getProtocol()) {
            case "HTTP/1.0" -> HTTP_1_0;
            case "HTTP/2.0", "HTTP/2" -> HTTP_2;
            default -> HTTP_1_1;
        };
    }

    /**
     * Says that the connection ends with this response. A watched connection cannot be unwatched (the watch's read
     * interest cannot be withdrawn), and a sender's unread body cannot be skipped: over HTTP/1 neither connection can
     * serve another request.
     */
    void endConnection(HttpServletResponse response) {
        if (this != HTTP_2) {
            response.setHeader("Connection", "close");
        }
    }

    /**
     * Frames a body whose length is not known, so that the client can tell a cut from an end (PROTOCOL.md section
     * 6): chunked over HTTP/1.1; over HTTP/1.0 nothing can (its end is the connection's), over HTTP/2 nothing needs to.
     */
    void frameUnknownLength(HttpServletResponse response) {
        if (this == HTTP_1_1) {
            response.setHeader("Transfer-Encoding", "chunked");
        }
    }

    /** True when a sender's progress lines must wait for the end of its response (it has a Content-Length). */
    boolean buffersProgress() {
        return this == HTTP_1_0;
    }
}
