package dev.pipe.core;

import java.time.Duration;
import java.util.EnumMap;

/**
 * The timers of one pipe, one of each {@link Kind} at most, each armed or not: an armed timer is cancelled before
 * it is armed again, and every timer is cancelled when the pipe ends. One convention for all of them: a timer that
 * is not armed is {@link Cancellable#NONE}.
 *
 * <p>Threads and locks: every method is called with the pipe's lock held. A task runs on the scheduler's thread and
 * takes the lock itself; a task that re-arms lazily (the idle and drop checks, which compare a time stamp rather than
 * being rescheduled per chunk) calls {@link #fired} first.
 */
final class PipeTimers {

    /** What a timer is for. */
    enum Kind {
        /** The join window: the pipe expires when not established in time. */
        JOIN,
        /** The sender's periodic progress line: still waiting, or the rate while streaming. */
        TICK,
        /** Nothing moved for the idle timeout. */
        IDLE,
        /** A receiver held the others back for {@code drop-after}. */
        DROP
    }

    private final Scheduler scheduler;

    // guarded by the pipe's lock
    private final EnumMap<Kind, Cancellable> armed = new EnumMap<>(Kind.class);

    PipeTimers(Scheduler scheduler) {
        this.scheduler = scheduler;
        for (Kind kind : Kind.values()) {
            armed.put(kind, Cancellable.NONE);
        }
    }

    /** Runs {@code task} after {@code delay}, calling off the timer of this kind that was armed. */
    void arm(Kind kind, Runnable task, Duration delay) {
        armed.put(kind, scheduler.schedule(task, delay)).cancel();
    }

    /** True when a timer of this kind is armed and has not fired. */
    boolean isArmed(Kind kind) {
        return armed.get(kind) != Cancellable.NONE;
    }

    /** The timer of this kind has fired: it is no longer armed. */
    void fired(Kind kind) {
        armed.put(kind, Cancellable.NONE);
    }

    /** Calls off the timer of this kind. */
    void cancel(Kind kind) {
        armed.put(kind, Cancellable.NONE).cancel();
    }

    /** Calls off every timer: the pipe has ended. */
    void cancelAll() {
        for (Kind kind : Kind.values()) {
            cancel(kind);
        }
    }

    long nanoTime() {
        return scheduler.nanoTime();
    }
}
