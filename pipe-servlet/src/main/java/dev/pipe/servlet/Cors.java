package dev.pipe.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The CORS preflight answer (PROTOCOL.md section 7), as piping-server gives it, headers in its order; when an access
 * policy wants credentials, {@code Authorization} is among the allowed headers too, so that a page on another origin
 * can send its token.
 */
final class Cors {

    private Cors() {
    }

    static void preflight(HttpServletRequest request, HttpServletResponse response, boolean authorization) {
        response.setStatus(200);
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("Access-Control-Allow-Methods", Responses.ALLOW);
        response.setHeader("Access-Control-Allow-Headers", authorization
                ? "Content-Type, Content-Disposition, X-Piping, Authorization"
                : "Content-Type, Content-Disposition, X-Piping");
        if ("true".equals(request.getHeader("Access-Control-Request-Private-Network"))) {
            response.setHeader("Access-Control-Allow-Private-Network", "true");
        }
        // a page may read the allowed headers, to tell whether this server takes X-Piping
        response.setHeader("Access-Control-Expose-Headers", "Access-Control-Allow-Headers");
        response.setHeader("Access-Control-Max-Age", "86400");
        response.setContentLength(0);
    }
}
