package dev.pipe.client;

import java.util.regex.Matcher;

/**
 * What the server told a sender, one event per line of its progress, typed so that a caller never parses text. The
 * lines are pipe's and piping-server's ({@code [INFO] Waiting for 2 receiver(s)...}); a line this client does not
 * know comes as {@link Other}, as it was.
 */
public sealed interface SendEvent {

    /**
     * The line as the server wrote it, without its line end.
     *
     * @return the whole line, its {@code [INFO]} or {@code [ERROR]} prefix included
     */
    String line();

    /** The sender waits for {@code receivers} receivers. */
    record Waiting(String line, int receivers) implements SendEvent {
    }

    /** The sender came after {@code connected} receivers. */
    record AlreadyConnected(String line, int connected) implements SendEvent {
    }

    /** One more receiver came. */
    record ReceiverConnected(String line) implements SendEvent {
    }

    /** A reminder while waiting: {@code connected} of {@code receivers} are there. */
    record StillWaiting(String line, int connected, int receivers) implements SendEvent {
    }

    /** Everyone is there: the bytes start to flow to {@code receivers} receivers. */
    record Started(String line, int receivers) implements SendEvent {
    }

    /**
     * A status line while streaming: receivers still there, bytes sent and the rate, as the server rounded them
     * (decimal units).
     */
    record Streaming(String line, int receivers, long bytes, double bytesPerSecond) implements SendEvent {
    }

    /** A receiver left, or was dropped as too slow ({@code dropped}); the others carry on. */
    record ReceiverLeft(String line, boolean dropped) implements SendEvent {
    }

    /** Every receiver left before the end. */
    record AllReceiversLeft(String line) implements SendEvent {
    }

    /** The whole stream has been read from the sender. */
    record Sent(String line) implements SendEvent {
    }

    /** Every receiver has every byte. */
    record AllReceived(String line) implements SendEvent {
    }

    /** The closing summary: bytes (rounded), receivers, seconds. */
    record Done(String line, long bytes, int receivers, double seconds) implements SendEvent {
    }

    /** The transfer failed: the server's message, without {@code [ERROR]}. */
    record Failed(String line, String message) implements SendEvent {
    }

    /** A line this client does not know. */
    record Other(String line) implements SendEvent {
    }

    /**
     * The event of one line of a sender's response.
     *
     * @param line one line of the response, without its line end
     * @return the typed event; {@link Other} for a line this client does not know
     */
    static SendEvent parse(String line) {
        if (line.startsWith("[ERROR] ")) {
            return new Failed(line, line.substring("[ERROR] ".length()).strip());
        }
        String text = line.startsWith("[INFO] ") ? line.substring("[INFO] ".length()) : line;
        for (LineShape shape : LineShape.values()) {
            Matcher matcher = shape.pattern.matcher(text);
            if (matcher.matches()) {
                return shape.event(line, matcher);
            }
        }
        return new Other(line);
    }
}
