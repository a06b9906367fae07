package dev.pipe.servlet;

import java.util.function.BooleanSupplier;

/**
 * Runs a state machine's steps on one thread at a time, in the shape of Jetty's {@code IteratingCallback}: any
 * thread may {@link #iterate()}; the caller runs the steps, unless another thread is running them, in which case that
 * thread runs them once more before it lets go. Never blocks, never recurses: a step that calls back into
 * {@code iterate()} (a pipe that asks for the next chunk from inside {@code onChunk}) only asks for one more round.
 * Jetty's own class is not used so that the servlet needs no Jetty class on another container.
 *
 * <pre>
 *            iterate()                      a step says "nothing to do"
 *    IDLE ─────────────▶ RUNNING ─────────────────────────────────────▶ IDLE
 *                         │   ▲
 *              iterate()  ▼   │ a step says "nothing to do": run once more
 *                         AGAIN
 * </pre>
 *
 * <p>Threads: {@code state} is guarded by {@code lock}, which is never held while a step runs. What the steps
 * touch needs no lock of its own: one thread at a time runs them, and the lock orders one round after the other.
 */
final class StepLoop {

    private enum State { IDLE, RUNNING, AGAIN }

    private final BooleanSupplier step;
    private final Object lock = new Object();
    private State state = State.IDLE;   // guarded by lock

    /** {@code step}: does one step; true when there is more to do at once, false when it waits for an event. */
    StepLoop(BooleanSupplier step) {
        this.step = step;
    }

    /** Something happened: runs the steps until they wait, here or on the thread already running them. */
    void iterate() {
        synchronized (lock) {
            switch (state) {
                case IDLE -> state = State.RUNNING;
                case RUNNING -> {
                    state = State.AGAIN;
                    return;
                }
                case AGAIN -> {
                    return;
                }
            }
        }
        boolean idle = false;
        try {
            for (;;) {
                while (step.getAsBoolean()) {
                    // the next step at once
                }
                synchronized (lock) {
                    if (state == State.AGAIN) {
                        state = State.RUNNING;
                        continue;
                    }
                    state = State.IDLE;
                    idle = true;
                    return;
                }
            }
        } finally {
            if (!idle) {
                // a step threw: the loop is free again for the next event rather than stuck RUNNING
                synchronized (lock) {
                    state = State.IDLE;
                }
            }
        }
    }
}
