package dev.pipe.servlet.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The container callbacks a fake exchange owes, first owed first; nothing runs until the test says so.
 *
 * <pre>{@code
 * exchange.input().arrive("hello".getBytes(UTF_8));
 * assertEquals(List.of("onDataAvailable"), exchange.steps().pending());
 * exchange.steps().runNext();           // the container thread delivers it, on the test thread
 * exchange.steps().run("AsyncListener.onError");   // or any owed callback, out of order
 * }</pre>
 *
 * <p>The rule modelled: a container runs one callback of a request at a time and never inside another, so a step
 * that runs steps fails with {@link IllegalStateException}. A label is what the step would deliver if it ran now
 * (an owed read callback turns from {@code onDataAvailable} into {@code ReadListener.onError} once the client is
 * gone, as Jetty decides when it runs the callback, not when it owes it); {@link #history()} keeps the labels of the
 * steps that ran. Thread-safe; steps run without any lock held.
 */
public final class Steps {

    /** {@link #runAll()} fails after this many steps: a callback loop rather than an exchange. */
    public static final int LIMIT = 10_000;

    private final Object lock = new Object();
    // guarded by lock
    private final List<Step> queue = new ArrayList<>();
    private final List<String> history = new ArrayList<>();
    private boolean running;

    /** Owes a callback with a fixed label. */
    public void add(String label, Runnable action) {
        Objects.requireNonNull(label, "label");
        add(() -> label, action);
    }

    /** Owes a callback whose label says what it would deliver when asked (evaluated with no lock of this held). */
    public void add(Supplier<String> label, Runnable action) {
        Step step = new Step(Objects.requireNonNull(label, "label"), Objects.requireNonNull(action, "action"));
        synchronized (lock) {
            queue.add(step);
        }
    }

    /** Runs the first owed callback and returns its label; fails when none is owed. */
    public String runNext() {
        Step step;
        synchronized (lock) {
            if (queue.isEmpty()) {
                throw new IllegalStateException("no callback is owed; ran " + history);
            }
            enter();
            step = queue.remove(0);
        }
        return run(step);
    }

    /** Runs the first owed callback labelled {@code label}, out of turn; fails when none is. */
    public String run(String label) {
        for (Step step : snapshot()) {
            if (label.equals(step.label.get())) {
                synchronized (lock) {
                    if (!queue.contains(step)) {
                        continue; // another thread ran it meanwhile
                    }
                    enter();
                    queue.remove(step);
                }
                return run(step);
            }
        }
        throw new IllegalStateException("no owed callback is labelled " + label + "; pending " + pending());
    }

    /** Runs owed callbacks, and those they make owed, until none is left; returns how many ran. */
    public int runAll() {
        int ran = 0;
        while (!isEmpty()) {
            if (ran == LIMIT) {
                throw new AssertionError("more than " + LIMIT + " callbacks in a row (a callback loop?); pending "
                        + pending());
            }
            runNext();
            ran++;
        }
        return ran;
    }

    /** The labels of the owed callbacks, first owed first. */
    public List<String> pending() {
        return snapshot().stream().map(step -> step.label.get()).toList();
    }

    /** True when no callback is owed. */
    public boolean isEmpty() {
        synchronized (lock) {
            return queue.isEmpty();
        }
    }

    /** The labels of the callbacks that ran, in order (as they read when they ran). */
    public List<String> history() {
        synchronized (lock) {
            return List.copyOf(history);
        }
    }

    private List<Step> snapshot() {
        synchronized (lock) {
            return List.copyOf(queue);
        }
    }

    // guarded by lock
    private void enter() {
        if (running) {
            throw new IllegalStateException("a container callback is running: callbacks do not nest or overlap");
        }
        running = true;
    }

    private String run(Step step) {
        String label = step.label.get();
        try {
            step.action.run();
        } finally {
            synchronized (lock) {
                running = false;
                history.add(label);
            }
        }
        return label;
    }

    @Override
    public String toString() {
        return "Steps[pending=" + pending() + "]";
    }

    /** Identity matters: {@link #run(String)} removes this very step. */
    private static final class Step {
        final Supplier<String> label;
        final Runnable action;

        Step(Supplier<String> label, Runnable action) {
            this.label = label;
            this.action = action;
        }
    }
}
