package dev.pipe.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A pipe's path as a request names it: what follows the servlet's mapping, percent-decoded. */
final class PipePaths {

    private PipePaths() {
    }

    /**
     * The pipe's path: what follows the servlet's mapping, percent-decoded, without the leading slash. It is read from
     * the request's raw URI, since the servlet API's path drops {@code ;parameters}: {@code /a;b} and {@code /a;c}
     * are two pipes, not both the pipe {@code a}.
     */
    static String pipePath(HttpServletRequest request) {
        String info = request.getPathInfo();
        String decoded = info == null ? "" : info.startsWith("/") ? info.substring(1) : info;
        String raw = request.getRequestURI();
        String mapping = request.getContextPath() + request.getServletPath();
        if (raw == null || raw.indexOf(';') < 0 || !raw.startsWith(mapping)) {
            return decoded;
        }
        String rest = raw.substring(mapping.length());
        if (!rest.startsWith("/")) {
            return decoded;
        }
        String path = percentDecode(rest.substring(1));
        return path == null ? decoded : path;
    }

    /** {@code %XX} escapes decoded as UTF-8 (a {@code +} stays a {@code +}); null when they are not valid UTF-8. */
    static String percentDecode(String raw) {
        byte[] bytes = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()
                    && Character.digit(raw.charAt(i + 1), 16) >= 0 && Character.digit(raw.charAt(i + 2), 16) >= 0) {
                bytes[length++] = (byte) (Character.digit(raw.charAt(i + 1), 16) << 4
                        | Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                return null; // a raw URI is ASCII
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
