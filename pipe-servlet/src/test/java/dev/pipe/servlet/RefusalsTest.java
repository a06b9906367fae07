package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pipe.core.PipeException;
import dev.pipe.core.access.AccessPolicy.Decision;
import dev.pipe.core.access.AccessPolicy.Role;
import org.junit.jupiter.api.Test;

/** The refusals the servlet words itself say what to do, and name neither the pipe nor the token. */
class RefusalsTest {

    @Test
    void anAccessRefusalSaysWhatToSendOrWhatTheTokenMayNotDo() {
        PipeException missing = Refusals.access(Decision.UNAUTHENTICATED, Role.RECEIVE);
        assertEquals(PipeException.Reason.UNAUTHENTICATED, missing.reason());
        assertEquals("This server wants a token: send it as 'Authorization: Bearer TOKEN'.", missing.getMessage());
        PipeException denied = Refusals.access(Decision.DENY, Role.SEND);
        assertEquals(PipeException.Reason.FORBIDDEN, denied.reason());
        assertEquals("Your token may not send to this pipe.", denied.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Refusals.access(Decision.ALLOW, Role.SEND));
    }

    @Test
    void aBadNumberOfReceiversIsWordedAsTheQueryParameterTheClientWrote() {
        PipeException error = Refusals.invalidReceivers("abc", 256);
        assertEquals(PipeException.Reason.INVALID_RECEIVERS, error.reason());
        assertEquals("Invalid \"n\" query parameter: n should be an integer from 1 to 256, but n = abc.",
                error.getMessage());
    }
}
