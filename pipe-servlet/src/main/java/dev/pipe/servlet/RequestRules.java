package dev.pipe.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Locale;

/**
 * What any request to the servlet must be before it is served at all, each rule a 400 with one line
 * (PROTOCOL.md section 10): one {@code Authorization} header at most (two would leave which one counts to chance), no
 * transfer coding but {@code chunked} (the receivers would get the still-encoded bytes), and no {@code .} or
 * {@code ..} path segment (the container resolves them, so that {@code /a/../b} would be the pipe {@code b}).
 * The lines name what is wrong, never repeat what the client sent.
 */
final class RequestRules {

    private RequestRules() {
    }

    /** Why {@code request} is refused with a 400, or null when it may be served. */
    static String violation(HttpServletRequest request) {
        int authorizations = count(request.getHeaders("Authorization"));
        if (authorizations > 1) {
            return "Send one Authorization header, not " + authorizations + ".";
        }
        if (!onlyChunked(request.getHeaders("Transfer-Encoding"))) {
            return "Only the chunked transfer coding is supported: send the body as it is, chunked or with a"
                    + " Content-Length.";
        }
        if (hasDotSegment(request.getRequestURI())) {
            return "A path may not have a '.' or '..' segment: write the pipe's path as it is.";
        }
        return null;
    }

    private static int count(Enumeration<String> values) {
        int count = 0;
        while (values != null && values.hasMoreElements()) {
            values.nextElement();
            count++;
        }
        return count;
    }

    /** True when every coding named is {@code chunked} (or none is). */
    static boolean onlyChunked(Enumeration<String> values) {
        while (values != null && values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",", -1)) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (!name.equals("chunked")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when the raw (not yet resolved) path has a {@code .} or {@code ..} segment, parameters aside. */
    static boolean hasDotSegment(String rawPath) {
        if (rawPath == null) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            int parameters = segment.indexOf(';');
            String name = parameters < 0 ? segment : segment.substring(0, parameters);
            if (name.equals(".") || name.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
