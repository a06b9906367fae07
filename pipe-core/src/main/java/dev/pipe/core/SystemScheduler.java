package dev.pipe.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real-time {@link Scheduler}: {@link System#nanoTime()}, one daemon thread that keeps the timers, and a pool of
 * daemon threads that runs them. A timer may start real work (a pipe that drops a slow receiver carries on moving
 * bytes from that thread until some I/O is not ready), so tasks do not run on the timer thread itself, where they
 * would hold up every other pipe's timers.
 *
 * <pre>{@code
 * try (var scheduler = new SystemScheduler()) {
 *     var registry = new PipeRegistry(PipeConfig.defaults(), scheduler);
 *     ...
 * }
 * }</pre>
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {

    private final ScheduledThreadPoolExecutor executor;
    private final ExecutorService workers;

    /**
     * A scheduler with one timer thread and a pool of as many workers as processors (at least 2); threads start as
     * they are needed. Close it to stop them.
     */
    public SystemScheduler() {
        executor = new ScheduledThreadPoolExecutor(1, daemon("pipe-timer"));
        // cancelled timers (most of them: a join window that was met) must not pile up in the queue
        executor.setRemoveOnCancelPolicy(true);
        // a few workers, gone after a minute idle: timers that fire are rare (expiry, idle, slow receiver, notices)
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemon("pipe-timer-task"));
        pool.allowCoreThreadTimeOut(true);
        workers = pool;
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        try {
            Runnable handOff = () -> {
                try {
                    workers.execute(task);
                } catch (RejectedExecutionException closed) {
                    // closing: the task is dropped, as the timers not yet run
                }
            };
            ScheduledFuture<?> future = executor.schedule(handOff, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException closed) {
            return Cancellable.NONE;
        }
    }

    /** Stops the timer thread and the pool; tasks not yet run are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
        workers.shutdown();
    }
}
