package dev.pipe.examples;

import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.access.Credentials;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * {@code /metrics} (every meter, in Prometheus' text format) and {@code /status} (a live page for a person, and its
 * figures as JSON when asked with {@code Accept: application/json}). With an access policy, the figures need a bearer
 * token with the {@code metrics} role; the page itself does not. No figure ever names a pipe's path.
 */
final class FiguresServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The servlet mappings; with pipes at the root these paths are reserved. */
    static final List<String> PATHS = List.of("/metrics", "/status");

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String BEARER = "Bearer ";
    private static final SecureRandom NONCES = new SecureRandom();

    private final transient ServerFigures figures;
    private final transient AccessPolicy access;

    FiguresServlet(ServerFigures figures, AccessPolicy access) {
        this.figures = figures;
        this.access = access;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            if (request.getMethod().equals("PUT") || request.getMethod().equals("POST")) {
                text(response, 400, "text/plain", "[ERROR] Cannot send to the reserved path '" + path
                        + "'. (e.g. '/mypath123')\n");
            } else {
                response.setHeader("Allow", "GET, HEAD");
                text(response, 405, "text/plain", "[ERROR] Unsupported method: " + request.getMethod() + ".\n");
            }
            return;
        }
        boolean page = path.equals("/status") && !accepts(request, "application/json");
        if (page) {
            byte[] random = new byte[16];
            NONCES.nextBytes(random);
            String nonce = Base64.getEncoder().encodeToString(random);
            response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce
                    + "'; style-src 'nonce-" + nonce + "'; connect-src 'self'; form-action 'none'");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            text(response, 200, "text/html", Pages.status(nonce));
            return;
        }
        String refusal = refusal(request, response);
        if (refusal != null) {
            text(response, response.getStatus(), "text/plain", "[ERROR] " + refusal + "\n");
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        if (path.equals("/metrics")) {
            text(response, 200, PROMETHEUS_TEXT, figures.scrape());
        } else {
            text(response, 200, "application/json", figures.statusJson());
        }
    }

    /** Why the request may not read the figures (its status set), or null when it may. */
    private String refusal(HttpServletRequest request, HttpServletResponse response) {
        if (access == AccessPolicy.OPEN) {
            return null;
        }
        String authorization = request.getHeader("Authorization");
        String token = null;
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            token = authorization.substring(BEARER.length()).trim();
        }
        AccessPolicy.Decision decision;
        try {
            decision = access.check(AccessPolicy.Role.METRICS, null,
                    new Credentials(token, request.getUserPrincipal(), request.getRemoteAddr()));
        } catch (RuntimeException bug) {
            decision = AccessPolicy.Decision.DENY;
        }
        switch (decision == null ? AccessPolicy.Decision.DENY : decision) {
            case ALLOW -> {
                return null;
            }
            case UNAUTHENTICATED -> {
                response.setStatus(401);
                response.setHeader("WWW-Authenticate", "Bearer realm=\"pipe\"");
                return "This server wants a token with the metrics role: send it as 'Authorization: Bearer TOKEN'.";
            }
            default -> {
                response.setStatus(403);
                return "Your token may not read this server's figures.";
            }
        }
    }

    private static boolean accepts(HttpServletRequest request, String type) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains(type);
    }

    private static void text(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
