package dev.pipe.core;

/**
 * The life of one pipe.
 *
 * <pre>
 *            all parties here              stream ended, all written
 *  WAITING ──────────────────▶ STREAMING ───────────────────────────▶ COMPLETED
 *    │  │                          │
 *    │  │ join window over         │ sender or every receiver gone, idle timeout, shutdown
 *    │  └──────────▶ EXPIRED       └──────────────────────────────────▶ FAILED
 *    │ last waiting party left
 *    └──────────────▶ ABANDONED
 * </pre>
 *
 * The four states on the right are terminal: once there, the pipe ignores every late call, and the registry has
 * forgotten it.
 */
public enum PipeState {
    /** Reached when the first party arrives: the pipe waits for its sender and all its receivers. */
    WAITING,
    /** Reached when the sender and all receivers are connected: bytes flow. */
    STREAMING,
    /** Reached when the stream ended and every remaining receiver has every byte. */
    COMPLETED,
    /** Reached when an established transfer broke: sender gone, every receiver gone, idle timeout or shutdown. */
    FAILED,
    /** Reached when the join window ends before the pipe is established. */
    EXPIRED,
    /** Reached when the last waiting party leaves before the pipe is established. */
    ABANDONED;

    /**
     * True for the states a pipe never leaves.
     *
     * @return true for {@code COMPLETED}, {@code FAILED}, {@code EXPIRED} and {@code ABANDONED}
     */
    public boolean isTerminal() {
        return this != WAITING && this != STREAMING;
    }
}
