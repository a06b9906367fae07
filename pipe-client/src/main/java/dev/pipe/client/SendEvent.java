package dev.pipe.client;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        for (Shape shape : Shape.values()) {
            Matcher matcher = shape.pattern.matcher(text);
            if (matcher.matches()) {
                return shape.event(line, matcher);
            }
        }
        return new Other(line);
    }

    /** The lines this client knows, as the server writes them. */
    enum Shape {
        /** {@code Waiting for N receiver(s)...}: a {@link Waiting}. */
        WAITING("Waiting for (\\d+) receiver\\(s\\)\\.\\.\\."),
        /** {@code N receiver(s) has/have been connected.}: an {@link AlreadyConnected}. */
        ALREADY("(\\d+) receiver\\(s\\) has/have been connected\\."),
        /** {@code A receiver was connected.}: a {@link ReceiverConnected}. */
        CONNECTED("A receiver was connected\\."),
        /** {@code C of N receiver(s) connected; waiting for the rest...}: a {@link StillWaiting}. */
        STILL("(\\d+) of (\\d+) receiver\\(s\\) connected; waiting for the rest\\.\\.\\."),
        /** {@code Start sending to N receiver(s)!}: a {@link Started}. */
        STARTED("Start sending to (\\d+) receiver\\(s\\)!"),
        /** {@code Streaming to N receiver(s) at RATE/s (BYTES sent)}: a {@link Streaming}. */
        STREAMING("Streaming to (\\d+) receiver\\(s\\) at ([0-9.]+ [KMGT]?B)/s \\(([0-9.]+ [KMGT]?B) sent\\)"),
        /** {@code A receiver aborted.}: a {@link ReceiverLeft}, not dropped. */
        LEFT("A receiver aborted\\."),
        /** {@code A receiver was dropped: ...}: a {@link ReceiverLeft}, dropped as too slow. */
        DROPPED("A receiver was dropped: .*"),
        /** {@code All receiver(s) was/were aborted halfway.}: an {@link AllReceiversLeft}. */
        ALL_LEFT("All receiver\\(s\\) was/were aborted halfway\\."),
        /** {@code Sent successfully!}: a {@link Sent}. */
        SENT("Sent successfully!"),
        /** {@code All receiver(s) was/were received successfully.}: an {@link AllReceived}. */
        ALL_RECEIVED("All receiver\\(s\\) was/were received successfully\\."),
        /** {@code Done: BYTES to N receiver(s) in S s ...}: a {@link Done}. */
        DONE("Done: ([0-9.]+ [KMGT]?B) to (\\d+) receiver\\(s\\) in ([0-9.]+) s .*");

        final Pattern pattern;

        Shape(String regex) {
            this.pattern = Pattern.compile(regex);
        }

        SendEvent event(String line, Matcher m) {
            return switch (this) {
                case WAITING -> new Waiting(line, Integer.parseInt(m.group(1)));
                case ALREADY -> new AlreadyConnected(line, Integer.parseInt(m.group(1)));
                case CONNECTED -> new ReceiverConnected(line);
                case STILL -> new StillWaiting(line, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                case STARTED -> new Started(line, Integer.parseInt(m.group(1)));
                case STREAMING -> new Streaming(line, Integer.parseInt(m.group(1)), size(m.group(3)), size(m.group(2)));
                case LEFT -> new ReceiverLeft(line, false);
                case DROPPED -> new ReceiverLeft(line, true);
                case ALL_LEFT -> new AllReceiversLeft(line);
                case SENT -> new Sent(line);
                case ALL_RECEIVED -> new AllReceived(line);
                case DONE -> new Done(line, size(m.group(1)), Integer.parseInt(m.group(2)),
                        Double.parseDouble(m.group(3)));
            };
        }

        /** {@code 512 B}, {@code 1.2 MB}: decimal units, as the server writes them. */
        static long size(String text) {
            String[] parts = text.split(" ");
            int power = "BKMGT".indexOf(parts[1].toUpperCase(Locale.ROOT).charAt(0));
            return Math.round(Double.parseDouble(parts[0]) * Math.pow(1000, power));
        }
    }
}
