package dev.pipe.core.testing;

import dev.pipe.core.Cancellable;
import dev.pipe.core.Scheduler;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock moves only when the test says so (OkHttp's {@code TaskFaker}, {@code advanceUntil}).
 *
 * <pre>{@code
 * ManualScheduler scheduler = new ManualScheduler();
 * PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), scheduler);
 * ...
 * scheduler.advanceBy(Duration.ofMinutes(5).minusNanos(1));   // nothing expires yet
 * scheduler.advanceBy(Duration.ofNanos(1));                   // now the join window is over
 * }</pre>
 *
 * <p>Virtual time starts at 0. {@link #advanceBy} runs every task that falls due within the window on the calling
 * thread, in time order (first scheduled first for equal times), with {@link #nanoTime()} set to the task's due
 * time while it runs; a task scheduled by a running task runs too if it falls due within the window. Tasks run
 * without any lock of the scheduler held. Thread-safe, but meant to be stepped from the test thread.
 */
public final class ManualScheduler implements Scheduler {

    private final Object lock = new Object();
    // guarded by lock
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparingLong((Task task) -> task.due).thenComparingLong(task -> task.sequence));
    private long now;
    private long sequence;

    @Override
    public long nanoTime() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(delay, "delay");
        synchronized (lock) {
            Task scheduled = new Task(task, now + Math.max(0, delay.toNanos()), sequence++);
            queue.add(scheduled);
            return () -> {
                synchronized (lock) {
                    queue.remove(scheduled);
                }
            };
        }
    }

    /** Moves the clock forward by {@code duration}, running every task that falls due on the way. */
    public void advanceBy(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        long target;
        synchronized (lock) {
            target = now + duration.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = next.due;
            }
            next.task.run();
        }
    }

    /** Moves the clock forward to {@code time} (nanoseconds since the start), running what falls due. */
    public void advanceTo(Duration time) {
        Duration step = time.minus(now());
        advanceBy(step);
    }

    /** Runs the tasks due now without moving the clock. */
    public void runDueTasks() {
        advanceBy(Duration.ZERO);
    }

    /** The virtual time since the start. */
    public Duration now() {
        return Duration.ofNanos(nanoTime());
    }

    /** The number of tasks scheduled and neither run nor cancelled. */
    public int pending() {
        synchronized (lock) {
            return queue.size();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ManualScheduler[now=" + Duration.ofNanos(now) + " pending=" + queue.size() + "]";
        }
    }

    /** Identity matters: {@link PriorityQueue#remove(Object)} must remove this very task. */
    private static final class Task {
        final Runnable task;
        final long due;
        final long sequence;

        Task(Runnable task, long due, long sequence) {
            this.task = task;
            this.due = due;
            this.sequence = sequence;
        }
    }
}
