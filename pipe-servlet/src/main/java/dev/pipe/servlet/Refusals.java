package dev.pipe.servlet;

import dev.pipe.core.PipeException;
import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.access.AccessPolicy.Decision;
import dev.pipe.core.access.AccessPolicy.Role;

/**
 * The HTTP wording of the refusals the servlet makes before a party reaches the core: what a client wrote wrong in
 * its query, or what its token lacks. Each message is one line that names neither the pipe nor the credentials.
 */
final class Refusals {

    private Refusals() {
    }

    /** The {@code n} query parameter is not a number of receivers from 1 to {@code max}; {@code given} as read. */
    static PipeException invalidReceivers(String given, int max) {
        return new PipeException(Reason.INVALID_RECEIVERS, "Invalid \"n\" query parameter: n should be an integer from"
                + " 1 to " + max + ", but n = " + given + ".");
    }

    /** The error for an access decision other than {@code ALLOW}: a 401 with what to send, or a 403. */
    static PipeException access(Decision decision, Role role) {
        return switch (decision) {
            case UNAUTHENTICATED -> new PipeException(Reason.UNAUTHENTICATED,
                    "This server wants a token: send it as 'Authorization: Bearer TOKEN'.");
            case DENY -> new PipeException(Reason.FORBIDDEN, "Your token may not "
                    + (role == Role.SEND ? "send to" : "receive from") + " this pipe.");
            case ALLOW -> throw new IllegalArgumentException("ALLOW is no refusal");
        };
    }
}
