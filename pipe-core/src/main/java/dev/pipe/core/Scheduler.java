package dev.pipe.core;

import java.time.Duration;

/**
 * The clock and the timers of the core. Every timeout of a pipe (join window, idle timeout, slow receiver)
 * is driven through this interface, so that tests can drive time by hand instead of waiting for it.
 *
 * <p>Tasks run on a thread of the scheduler's choosing and must not block.
 *
 * @see SystemScheduler
 */
public interface Scheduler {

    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();

    /** Runs {@code task} once, after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);
}
