package dev.pipe.client;

import dev.pipe.client.SendEvent.AllReceived;
import dev.pipe.client.SendEvent.AllReceiversLeft;
import dev.pipe.client.SendEvent.AlreadyConnected;
import dev.pipe.client.SendEvent.Done;
import dev.pipe.client.SendEvent.ReceiverConnected;
import dev.pipe.client.SendEvent.ReceiverLeft;
import dev.pipe.client.SendEvent.Sent;
import dev.pipe.client.SendEvent.Started;
import dev.pipe.client.SendEvent.StillWaiting;
import dev.pipe.client.SendEvent.Streaming;
import dev.pipe.client.SendEvent.Waiting;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The progress lines this client knows, as the server writes them, and the event each one is. */
enum LineShape {
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

    LineShape(String regex) {
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
