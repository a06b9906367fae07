package dev.pipe.core.access;

import dev.pipe.core.PipeKey;

/**
 * Who may send to and receive from which pipe. The adapter asks before a party joins: a party that is refused never
 * touches the pipe (its path is not even looked up). Implementations must be quick and must not block: they are
 * called on the server's request threads. Compare secrets in constant time ({@link java.security.MessageDigest#isEqual}).
 *
 * <pre>{@code
 * // an application's own check: its signed-in user may use the pipes under users/<name>/
 * AccessPolicy mine = (role, key, credentials) -> {
 *     if (credentials.user() == null) {
 *         return AccessPolicy.Decision.UNAUTHENTICATED;
 *     }
 *     return key.path().startsWith("users/" + credentials.user().getName() + "/")
 *             ? AccessPolicy.Decision.ALLOW : AccessPolicy.Decision.DENY;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface AccessPolicy {

    /**
     * What a party asks to be on a pipe; or, {@code METRICS}, to read the server's figures (the standalone server's
     * {@code /metrics} and {@code /status}, which name no pipe: the key is then null).
     */
    enum Role {
        /** Send the stream into the pipe. */
        SEND,
        /** Receive the stream from the pipe. */
        RECEIVE,
        /** Read the server's figures; the key is null. */
        METRICS
    }

    /** The answer: in HTTP terms, go on, 401 (with a challenge) or 403. */
    enum Decision {
        /** The party may join. */
        ALLOW,
        /** The party brought no usable credentials: 401, with a challenge. */
        UNAUTHENTICATED,
        /** The party's credentials do not allow it: 403. */
        DENY
    }

    /**
     * May a party with {@code credentials} take {@code role} on pipe {@code key}?
     *
     * @param role        what the party asks to be
     * @param key         the pipe; null for {@link Role#METRICS}
     * @param credentials what the adapter found in the request; never null, its parts may be
     * @return whether the party may go on, and if not, whether it should authenticate or is refused
     */
    Decision check(Role role, PipeKey key, Credentials credentials);

    /** Everyone may send and receive on every pipe: the default, as piping-server. */
    AccessPolicy OPEN = (role, key, credentials) -> Decision.ALLOW;
}
