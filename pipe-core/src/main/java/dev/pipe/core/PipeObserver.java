package dev.pipe.core;

/**
 * Watches the registry's pipes come and go: for metrics, admin pages and tests. Called outside any lock, on the
 * thread that caused the event; implementations must be quick and must not throw.
 */
public interface PipeObserver {

    /** A party joined pipe {@code key}: the sender ({@code sender}) or a receiver; {@code receivers} are now there. */
    default void onJoin(PipeKey key, boolean sender, int receivers) {
    }

    /** Pipe {@code key} reached the terminal state {@code state} and was forgotten. */
    default void onEnd(PipeKey key, PipeState state) {
    }

    /** Observes nothing. */
    PipeObserver NONE = new PipeObserver() {
    };
}
