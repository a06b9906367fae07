package dev.pipe.servlet;

import dev.pipe.core.PipeException;

/** The only place that knows which HTTP status answers each {@link PipeException.Reason}. */
final class StatusMapping {

    private StatusMapping() {
    }

    /** The status of an error response (one that is not yet committed) for {@code reason}. */
    static int status(PipeException.Reason reason) {
        // no default: a new reason must not compile until it is mapped
        return switch (reason) {
            case INVALID_KEY, INVALID_RECEIVERS, RECEIVERS_MISMATCH, SENDER_CONFLICT, RECEIVERS_FULL,
                 ALREADY_ESTABLISHED -> 400; // as piping-server: conflicts are 400
            case KEY_TOO_LONG -> 414;
            case RENDEZVOUS_EXPIRED, IDLE_TIMEOUT -> 504;
            case SENDER_ABORTED, RECEIVER_ABORTED, ALL_RECEIVERS_ABORTED, RECEIVERS_LOST -> 502;
            case RECEIVER_TOO_SLOW -> 408;
            case SHUTTING_DOWN, TOO_MANY_PIPES, OUT_OF_MEMORY -> 503;
            case TOO_MANY_WAITING -> 429;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
        };
    }
}
