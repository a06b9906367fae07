package dev.pipe.servlet;

import dev.pipe.core.PipeException;
import dev.pipe.core.PipeKey;
import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.access.Credentials;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the {@link AccessPolicy} whether a party may join, from what its request says about who sent it: a bearer
 * token ({@code Authorization: Bearer TOKEN}, or the {@value MultipartDecoder#TOKEN_FIELD} field of a form sent by
 * a page without script), the application's user and the client's address. Stateless; any thread.
 */
final class Gate {

    private static final Logger LOG = LoggerFactory.getLogger(Gate.class);
    private static final String BEARER = "Bearer ";

    private final AccessPolicy access;

    Gate(AccessPolicy access) {
        this.access = access;
    }

    /** Whether anyone may do anything: no token is ever looked for. */
    boolean open() {
        return access == AccessPolicy.OPEN;
    }

    /**
     * Whether a sender's token is to come in its form rather than a header: a form, on a server that wants tokens,
     * without an {@code Authorization} header. It is checked when the form's file starts, before the sender joins.
     */
    boolean tokenInForm(HttpServletRequest request, MultipartDecoder form) {
        return form != null && !open() && request.getHeader("Authorization") == null;
    }

    /**
     * Asks the policy, with the request's own token or else {@code formToken} (may be null); a refusal (401 with a
     * challenge, or 403) is thrown, before the party touches the pipe. A policy that throws refuses.
     */
    void authorize(HttpServletRequest request, AccessPolicy.Role role, PipeKey key, String formToken)
            throws PipeException {
        if (open()) {
            return;
        }
        AccessPolicy.Decision decision;
        try {
            decision = access.check(role, key, credentials(request, formToken));
        } catch (RuntimeException bug) {
            LOG.warn("access policy failed; refusing the request", bug);
            decision = AccessPolicy.Decision.DENY;
        }
        if (decision != AccessPolicy.Decision.ALLOW) {
            throw Refusals.access(decision == null ? AccessPolicy.Decision.DENY : decision, role);
        }
    }

    /** What the request says about who sent it; the header's token wins over {@code formToken}. */
    static Credentials credentials(HttpServletRequest request, String formToken) {
        String token = formToken;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            token = authorization.substring(BEARER.length()).trim();
            if (token.isEmpty()) {
                token = null;
            }
        }
        return new Credentials(token, request.getUserPrincipal(), request.getRemoteAddr());
    }
}
