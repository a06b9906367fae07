package dev.pipe.core;

import java.time.Duration;

/**
 * Watches the registry's pipes: the one port for metrics, status pages, logs and tests. Every event of a pipe's
 * life comes here, in the order it happened for that pipe: parties join (and may leave while they wait), the pipe
 * is established, its byte counts move (at each periodic tick, every 5 s, while it streams), and it ends with one
 * {@link TransferSummary}. Requests refused before they touch a pipe are reported by the adapter, which knows their
 * status ({@link PipeRegistry#refused}).
 *
 * <p>Attach observers with {@link PipeRegistry#observe}; several may be attached. Calls come on the thread that
 * caused the event (an adapter's, a port's completion, a timer), never under a lock, never per chunk; the calls
 * for one pipe never overlap, those for different pipes may. Implementations must be quick and thread-safe; one
 * that throws is logged and changes nothing for the pipe or the other observers.
 */
public interface PipeObserver {

    /** Who a party is. */
    enum Party {
        /** The one party that sends the stream. */
        SENDER,
        /** One of the parties that receive it. */
        RECEIVER
    }

    /**
     * A party joined pipe {@code key}, which waits for {@code expected} receivers and now has {@code receivers};
     * it waits unless it completed the pipe ({@link #onEstablished} follows).
     *
     * @param key       the pipe
     * @param party     whether the sender or a receiver joined
     * @param receivers the receivers on the pipe now, this one included when it is a receiver
     * @param expected  the number of receivers the pipe is for
     */
    default void onJoin(PipeKey key, Party party, int receivers, int expected) {
    }

    /**
     * A party that was waiting on pipe {@code key} left before the pipe was established.
     *
     * @param key   the pipe
     * @param party whether the sender or a receiver left
     */
    default void onLeave(PipeKey key, Party party) {
    }

    /**
     * A request was refused before it touched a pipe: {@code status} as answered, {@code reason} the core's when it
     * was the core's (a limit, a conflict, the access policy), or null for the adapter's own (a malformed request).
     *
     * @param status the status answered, such as an HTTP status
     * @param reason the core's reason, or null when the adapter refused on its own account
     */
    default void onRefused(int status, PipeException.Reason reason) {
    }

    /**
     * Pipe {@code key} has its sender and all its {@code receivers}: the bytes start, after {@code waited}.
     *
     * @param key       the pipe
     * @param receivers the number of receivers it streams to
     * @param waited    from its first party to now
     */
    default void onEstablished(PipeKey key, int receivers, Duration waited) {
    }

    /**
     * Bytes moved on streaming pipe {@code key} since its last report: {@code sent} read from the sender,
     * {@code delivered} written to its receivers (all of them together). Reported at each periodic tick while bytes
     * move, and once more just before {@link #onEnd}, so that the reports add up to the summary's totals.
     *
     * @param key       the pipe
     * @param sent      bytes read from the sender since the last report
     * @param delivered bytes written to its receivers since the last report, all of them together
     */
    default void onBytes(PipeKey key, long sent, long delivered) {
    }

    /**
     * The pipe ended and was forgotten (its path is free again): exactly once per pipe.
     *
     * @param summary how it ended, with its totals
     */
    default void onEnd(TransferSummary summary) {
    }

    /** Observes nothing. */
    PipeObserver NONE = new PipeObserver() {
    };
}
