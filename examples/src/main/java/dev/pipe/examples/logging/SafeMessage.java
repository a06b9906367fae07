package dev.pipe.examples.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A log line's message, safe to write whatever a client sent: control characters (a terminal's escape sequences, a
 * forged new line), Unicode line separators and direction overrides are written as {@code \}{@code uXXXX}, and a
 * message is cut after {@value #MAX_CHARS} characters, saying how many more there were.
 */
public final class SafeMessage extends ClassicConverter {

    static final int MAX_CHARS = 400;

    @Override
    public String convert(ILoggingEvent event) {
        return escape(event.getFormattedMessage());
    }

    /** {@code text} escaped and shortened as above. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        int end = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(end + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        String safe = out == null ? text.substring(0, end) : out.toString();
        return text.length() > MAX_CHARS ? safe + "... (" + (text.length() - MAX_CHARS) + " more characters)" : safe;
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
