package dev.pipe.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What differs between the HTTP versions a party may speak, chosen once per exchange from the request
 * ({@link #of}): how a response of unknown length is framed so that a cut-off one cannot pass for a complete one,
 * whether a sender's progress lines can stream, and whether the
 * exchange may act on its connection (lift its idle timeout, watch it for a client hanging up, close it to cut a
 * response off), which the {@link Container} then gives it.
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
     * True when a body whose length is not known is to be framed, so that the client can tell a cut from an end
     * (PROTOCOL.md section 6): chunked over HTTP/1.1; over HTTP/1.0 nothing can (its end is the connection's), over
     * HTTP/2 nothing needs to (a stream is reset when cut).
     */
    boolean framesUnknownLength() {
        return this == HTTP_1_1;
    }

    /**
     * True when the exchange has its connection to itself for as long as it lasts, so that it may lift the idle
     * timeout, watch it and close it: HTTP/1. Over HTTP/2 the connection carries other streams (a closed stream is
     * reported by the container by itself, and the stream's own idle timeout applies).
     */
    boolean ownsConnection() {
        return this != HTTP_2;
    }

    /** True when a sender's progress lines must wait for the end of its response (it has a Content-Length). */
    boolean buffersProgress() {
        return this == HTTP_1_0;
    }
}
