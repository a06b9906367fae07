package dev.pipe.core;

import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the port calls a pipe decided under its lock, one at a time and never under that lock, in the order they
 * were decided. The shape is Jetty's {@code SerializedInvoker}: whoever adds actions calls {@link #run()} once the
 * lock is released; the thread that finds the queue idle runs every action queued meanwhile, by any thread, and the
 * others return at once.
 *
 * <pre>
 *   IDLE --run() with actions queued--> RUNNING --queue found empty (under the lock)--> IDLE
 * </pre>
 *
 * <p>So ports of one pipe are never called concurrently, and a port that completes synchronously (a write done at
 * once, a sender that answers demand from inside {@code demand()}) queues its follow-up and returns; the loop below
 * runs it, instead of a recursion as deep as the transfer is long.
 *
 * <p>Threads and locks: {@link #add} and {@link #addFirst} are called with the pipe's lock held, which guards the
 * queue and {@code running}; {@link #run} is called without it and takes it only to poll.
 */
final class SerialQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private final Object lock;
    private final Object owner;   // for the log, should an action throw

    // guarded by lock
    private final ArrayDeque<Runnable> actions = new ArrayDeque<>();
    private boolean running;

    SerialQueue(Object lock, Object owner) {
        this.lock = lock;
        this.owner = owner;
    }

    /** Queues {@code action}; with the lock held. */
    void add(Runnable action) {
        actions.add(action);
    }

    /** Queues {@code action} before every other; with the lock held. */
    void addFirst(Runnable action) {
        actions.addFirst(action);
    }

    /** Runs what is queued unless another thread is already doing so; without the lock. */
    void run() {
        synchronized (lock) {
            if (running || actions.isEmpty()) {
                return;
            }
            running = true;
        }
        for (;;) {
            Runnable action;
            synchronized (lock) {
                action = actions.poll();
                if (action == null) {
                    running = false;
                    return;
                }
            }
            try {
                action.run();
            } catch (RuntimeException bug) {
                LOG.error("{} action failed", owner, bug);
            } catch (Error fatal) {
                synchronized (lock) {
                    running = false;
                }
                throw fatal;
            }
        }
    }
}
