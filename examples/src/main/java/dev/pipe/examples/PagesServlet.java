package dev.pipe.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The standalone server's own pages, outside the pipes: {@code /}, {@code /noscript}, {@code /watch}, {@code /help},
 * {@code /version}, {@code /healthz}, {@code /robots.txt}, {@code /favicon.ico}. With pipes at the root these
 * paths are reserved: sending to one is refused.
 */
final class PagesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The servlet mappings of the pages ({@code ""} is the context root). */
    static final List<String> PATHS = List.of("", "/noscript", "/watch", "/help", "/version", "/healthz",
            "/robots.txt", "/favicon.ico");

    private static final SecureRandom NONCES = new SecureRandom();

    private final String pipePrefix;
    private final String version;
    private final boolean http2;
    private final transient BooleanSupplier stopping;

    PagesServlet(String pipePrefix, String version, boolean http2, BooleanSupplier stopping) {
        this.http2 = http2;
        this.stopping = stopping;
        this.pipePrefix = pipePrefix;
        this.version = version;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath().isEmpty() ? "/" : request.getServletPath();
        switch (request.getMethod()) {
            case "GET", "HEAD" -> page(path, request, response);
            case "PUT", "POST" -> text(response, 400,
                    "[ERROR] Cannot send to the reserved path '" + path + "'. (e.g. '/mypath123')\n");
            case "OPTIONS" -> {
                response.setHeader("Access-Control-Allow-Origin", "*");
                response.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, OPTIONS");
                response.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Disposition, X-Piping");
                response.setHeader("Access-Control-Max-Age", "86400");
                response.setContentLength(0);
            }
            default -> {
                response.setHeader("Allow", "GET, HEAD, POST, PUT, OPTIONS");
                text(response, 405, "[ERROR] Unsupported method: " + request.getMethod() + ".\n");
            }
        }
    }

    private void page(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (path) {
            case "/" -> html(response, Pages.index(baseUrl(request) + pipePrefix, pipePrefix, version), null);
            case "/noscript" -> {
                byte[] random = new byte[16];
                NONCES.nextBytes(random);
                String nonce = Base64.getEncoder().encodeToString(random);
                html(response, Pages.noscript(pipePrefix, parameter(request, "path"), parameter(request, "n"), nonce),
                        "default-src 'none'; style-src 'nonce-" + nonce + "'; form-action 'self'");
            }
            case "/watch" -> html(response, Pages.watch(pipePrefix), null);
            case "/help" -> text(response, 200, Pages.help(version, baseUrl(request) + pipePrefix, http2));
            case "/version" -> text(response, 200, version + "\n");
            // 503 from the moment a stop begins, so that a balancer's health check sends no new pipe here
            case "/healthz" -> text(response, stopping.getAsBoolean() ? 503 : 200,
                    stopping.getAsBoolean() ? "stopping\n" : "ok\n");
            case "/favicon.ico" -> response.setStatus(204);
            default -> { // robots.txt, as the reference: nothing to index here
                response.setStatus(404);
                response.setContentLength(0);
            }
        }
    }

    /** A query parameter, trimmed of surrounding blanks and a leading slash ({@code ""} when absent). */
    private static String parameter(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        value = value == null ? "" : value.strip();
        return value.startsWith("/") ? value.substring(1) : value;
    }

    /**
     * The server's own URL as the client reached it: scheme and {@code Host}. A proxy's {@code X-Forwarded-Proto}
     * counts only with {@code --trust-forwarded}, where the connector's customizer has made it the request's scheme.
     */
    static String baseUrl(HttpServletRequest request) {
        String scheme = request.getScheme();
        String host = request.getHeader("Host");
        if (host == null || host.isBlank()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return scheme + "://" + host;
    }

    private static void text(HttpServletResponse response, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setContentType("text/plain");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void html(HttpServletResponse response, String body, String csp) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        // as the reference: the page says its own charset (<meta charset="utf-8">), and is ASCII throughout
        response.setContentType("text/html");
        if (csp != null) {
            response.setHeader("Content-Security-Policy", csp);
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        // a page's address may hold a pipe's path (/watch?path=...): it is never sent on to another site
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
