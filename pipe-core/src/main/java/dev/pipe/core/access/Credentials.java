package dev.pipe.core.access;

import java.security.Principal;

/**
 * What a request says about who sent it, as the adapter extracts it, for an {@link AccessPolicy}.
 *
 * @param bearerToken the token of an {@code Authorization: Bearer TOKEN} header, or null
 * @param user        the user the host application authenticated (the servlet container's user principal), or null
 * @param client      the client's address as the server sees it (behind a trusted proxy, the forwarded one), or null
 */
public record Credentials(String bearerToken, Principal user, String client) {

    /** No credentials at all. */
    public static final Credentials NONE = new Credentials(null, null, null);

    @Override
    public String toString() {
        // never the token: this may end up in a log
        return "Credentials[bearer=" + (bearerToken == null ? "none" : "given") + ", user="
                + (user == null ? "none" : user.getName()) + ", client=" + client + "]";
    }
}
