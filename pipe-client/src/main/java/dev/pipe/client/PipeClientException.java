package dev.pipe.client;

import java.io.IOException;

/**
 * A pipe refused a request, or a transfer failed: the HTTP status (or 0 when the transfer failed after it had
 * started, with a 200) and the server's one-line message, without its {@code [ERROR]} prefix.
 */
public final class PipeClientException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status, or 0 for a transfer that failed after it started. */
    private final int status;
    /** The server's line, without its {@code [ERROR]} prefix. */
    private final String serverMessage;

    /**
     * @param status        the response's status, or 0 for a transfer that failed after it started
     * @param serverMessage the server's line, or a line of the client's own when the server said nothing
     */
    public PipeClientException(int status, String serverMessage) {
        super(status == 0 ? serverMessage : "HTTP " + status + ": " + serverMessage);
        this.status = status;
        this.serverMessage = serverMessage;
    }

    /**
     * The HTTP status that refused the request (400, 401, 403, 404, 429, 503, 504, ...), or 0 once it had started.
     *
     * @return the status, or 0 when the transfer failed after a 200
     */
    public int status() {
        return status;
    }

    /**
     * The server's one line, e.g. {@code The number of receivers should be 2 but 3.}
     *
     * @return the line, without its {@code [ERROR]} prefix
     */
    public String serverMessage() {
        return serverMessage;
    }
}
