package dev.pipe.core;

import java.time.Duration;

/**
 * How one pipe ended, for {@link PipeObserver#onEnd}: never its path, only its key (whose {@code toString} is a
 * short hash).
 *
 * @param key              the pipe
 * @param receivers        the number of receivers it was for (n)
 * @param outcome          how it ended, in a closed list
 * @param state            its terminal state
 * @param bytesSent        bytes read from the sender
 * @param bytesDelivered   bytes written to its receivers, all of them together (n times {@code bytesSent} when
 *                         every receiver got every byte)
 * @param receiversDropped receivers dropped as too slow while it streamed
 * @param receiversLeft    receivers that left while it streamed
 * @param waited           from its first party to its establishment, or to its end if it was never established
 * @param streamed         from its establishment to its end; zero if it was never established
 * @param failure          why it failed (or, {@link Outcome#PARTIAL}, whom the sender missed); null when it completed
 */
public record TransferSummary(PipeKey key, int receivers, Outcome outcome, PipeState state, long bytesSent,
                              long bytesDelivered, int receiversDropped, int receiversLeft, Duration waited,
                              Duration streamed, PipeException failure) {

    /** How a pipe ended, in words an operator counts by. */
    public enum Outcome {
        /** Every receiver got every byte. */
        COMPLETED("completed"),
        /** The stream ended, but some receivers left or were dropped on the way. */
        PARTIAL("partial"),
        /** The sender went away before the end of its stream. */
        SENDER_ABORTED("sender-aborted"),
        /** The server found no memory for the transfer's buffers while it streamed. */
        OUT_OF_MEMORY("out-of-memory"),
        /** Every receiver went away (or was dropped) before the end of the stream. */
        RECEIVERS_ABORTED("receivers-aborted"),
        /** The join window ended before everyone came. */
        EXPIRED("expired"),
        /** Every waiting party gave up before everyone came. */
        ABANDONED("abandoned"),
        /** Nothing moved for the idle timeout. */
        IDLE_TIMEOUT("idle-timeout"),
        /** The server stopped. */
        SHUTDOWN("shutdown");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /**
         * The outcome as a metric tag or a log word: {@code completed}, {@code sender-aborted}, ...
         *
         * @return the tag: lower case, with words joined by {@code -}
         */
        public String tag() {
            return tag;
        }

        /** The outcome of a pipe that reached {@code terminal}, failing with {@code failure} (or null). */
        static Outcome of(PipeState terminal, PipeException failure) {
            return switch (terminal) {
                case COMPLETED -> failure == null ? COMPLETED : PARTIAL;
                case EXPIRED -> EXPIRED;
                case ABANDONED -> ABANDONED;
                case FAILED -> switch (failure == null ? PipeException.Reason.SHUTTING_DOWN : failure.reason()) {
                    case SENDER_ABORTED -> SENDER_ABORTED;
                    case OUT_OF_MEMORY -> OUT_OF_MEMORY;
                    case IDLE_TIMEOUT -> IDLE_TIMEOUT;
                    case SHUTTING_DOWN -> SHUTDOWN;
                    default -> RECEIVERS_ABORTED;
                };
                case WAITING, STREAMING -> throw new IllegalArgumentException("not terminal: " + terminal);
            };
        }
    }
}
