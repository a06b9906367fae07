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

    /**
     * A monotonic time in nanoseconds, as {@link System#nanoTime()}: only differences mean anything.
     *
     * @return the current time, in nanoseconds from an arbitrary origin
     */
    long nanoTime();

    /**
     * Runs {@code task} once, after {@code delay}.
     *
     * @param task  what to run; it must not block
     * @param delay how long from now; zero or less runs it as soon as possible
     * @return the handle that calls the task off
     */
    Cancellable schedule(Runnable task, Duration delay);
}
