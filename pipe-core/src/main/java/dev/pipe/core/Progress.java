package dev.pipe.core;

import dev.pipe.core.text.Sizes;
import dev.pipe.core.text.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * What happens on a pipe, told to its sender as it happens ({@link SenderPort#report}). Each event has the one
 * line a person reads on the sender's terminal, without the {@code [INFO]} prefix; the lines follow the
 * piping-server protocol word for word where it has them.
 */
public sealed interface Progress {

    /**
     * The line for the sender's terminal.
     *
     * @return one line, without the {@code [INFO]} prefix or a line end
     */
    String message();

    /** The sender arrived and waits for {@code receivers} receivers. */
    record Waiting(int receivers) implements Progress {
        @Override
        public String message() {
            return "Waiting for " + receivers + " receiver(s)...";
        }
    }

    /** The sender arrived after {@code connected} receivers. */
    record AlreadyConnected(int connected) implements Progress {
        @Override
        public String message() {
            return connected + " receiver(s) has/have been connected.";
        }
    }

    /** A receiver arrived after the sender. */
    record ReceiverConnected(int connected, int expected) implements Progress {
        @Override
        public String message() {
            return "A receiver was connected.";
        }
    }

    /** A reminder while waiting, so that proxies do not cut an idle response. */
    record StillWaiting(int connected, int expected) implements Progress {
        @Override
        public String message() {
            return connected + " of " + expected + " receiver(s) connected; waiting for the rest...";
        }
    }

    /** The pipe is established: bytes start to flow. */
    record Started(int receivers) implements Progress {
        @Override
        public String message() {
            return "Start sending to " + receivers + " receiver(s)!";
        }
    }

    /** A status line while streaming. */
    record Streaming(int receivers, long bytes, double bytesPerSecond) implements Progress {
        @Override
        public String message() {
            return "Streaming to " + receivers + " receiver(s) at " + Sizes.format(bytesPerSecond) + "/s ("
                    + Sizes.format(bytes) + " sent)";
        }
    }

    /** A receiver went away; the others carry on. */
    record ReceiverAborted(int remaining) implements Progress {
        @Override
        public String message() {
            return "A receiver aborted.";
        }
    }

    /** A receiver that took no bytes for the slow-receiver limit was dropped; the others carry on. */
    record ReceiverDropped(int remaining, Duration limit) implements Progress {
        @Override
        public String message() {
            return "A receiver was dropped: it took no bytes for " + Durations.format(limit) + ".";
        }
    }

    /** Every receiver went away before the end. */
    record AllReceiversAborted() implements Progress {
        @Override
        public String message() {
            return "All receiver(s) was/were aborted halfway.";
        }
    }

    /** The sender's stream ended; the receivers are being given their last bytes. */
    record Sent() implements Progress {
        @Override
        public String message() {
            return "Sent successfully!";
        }
    }

    /** Every remaining receiver has every byte. */
    record AllReceived() implements Progress {
        @Override
        public String message() {
            return "All receiver(s) was/were received successfully.";
        }
    }

    /** The closing summary of a completed transfer. */
    record Summary(long bytes, int receivers, Duration duration) implements Progress {
        @Override
        public String message() {
            double seconds = Math.max(duration.toNanos(), 1) / 1e9;
            return String.format(Locale.ROOT, "Done: %s to %d receiver(s) in %.1f s (%s/s).",
                    Sizes.format(bytes), receivers, seconds, Sizes.format(bytes / seconds));
        }
    }
}
