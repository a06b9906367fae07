package dev.pipe.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where a {@link PipeRegistry} keeps its pipes: by path while a pipe holds its path, apart once the path is free
 * (its sender's stream has ended and its last bytes are still on their way), until the pipe ends.
 *
 * <pre>
 *   made ──▶ BY PATH ──pathFree──▶ FINISHING ──ended──▶ forgotten
 *               └──────────────────ended──────────────────▲
 * </pre>
 *
 * <p>Threads: a concurrent map and set, safe from any thread. A pipe moves from the map to the set in one step
 * under the map's lock for its path, added to the set before it leaves the map, so that it is never in neither
 * ({@link #awaitEmpty} and a census may see it twice for a moment, never not at all); {@link #forget} takes it out of
 * both and says so once, whoever calls first (its own end, or a party that found it terminal). {@link #awaitEmpty} waits on this object's monitor, notified whenever
 * the last pipe goes.
 */
final class PipeTable {

    private final ConcurrentHashMap<PipeKey, Pipe> byPath = new ConcurrentHashMap<>();
    private final Set<Pipe> finishing = ConcurrentHashMap.newKeySet();

    /** The pipe that holds {@code key}, made by {@code make} when none does (as {@link ConcurrentHashMap}). */
    Pipe holderOrMake(PipeKey key, Function<PipeKey, Pipe> make) {
        return byPath.computeIfAbsent(key, make);
    }

    /** The pipe that holds {@code key}, or null. */
    Pipe holder(PipeKey key) {
        return byPath.get(key);
    }

    /** The path of {@code pipe} is free: a new pipe may take it while this one finishes. */
    void pathFree(Pipe pipe) {
        // one step under the map's lock for this path: a forget() racing with it finds the pipe in one place or the
        // other; one that came first (the pipe ended before its path was given back) leaves nothing to move
        byPath.computeIfPresent(pipe.key(), (key, holder) -> {
            if (holder != pipe) {
                return holder;
            }
            finishing.add(pipe);
            return null;
        });
    }

    /** Takes out an ended pipe wherever it is; true the one time it was there. */
    boolean forget(Pipe pipe) {
        boolean held = byPath.remove(pipe.key(), pipe);
        boolean finished = finishing.remove(pipe);
        if (held || finished) {
            notifyIfEmpty();
            return true;
        }
        return false;
    }

    private void notifyIfEmpty() {
        if (isEmpty()) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Every pipe that holds its path. */
    void forEachHolder(Consumer<Pipe> action) {
        byPath.values().forEach(action);
    }

    /** Every pipe, holding its path or finishing. */
    void forEach(Consumer<Pipe> action) {
        byPath.values().forEach(action);
        finishing.forEach(action);
    }

    int size() {
        return byPath.size() + finishing.size();
    }

    boolean isEmpty() {
        return byPath.isEmpty() && finishing.isEmpty();
    }

    /** Waits until no pipe is left, at most {@code timeout}; true when none is left. */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return true;
    }
}
