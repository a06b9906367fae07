package dev.pipe.core;

import dev.pipe.core.PipeObserver.Party;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the core tells its {@link PipeObserver}s of an event: each observer in turn, one that throws logged
 * and passed over. Called outside any lock (a pipe queues its events on its {@link SerialQueue}). Thread-safe: the
 * list is copied on write, so attaching and detaching never disturb an event under way.
 */
final class Observers {

    private static final Logger LOG = LoggerFactory.getLogger(Observers.class);

    private final CopyOnWriteArrayList<PipeObserver> observers = new CopyOnWriteArrayList<>();

    /** Attaches {@code observer}; the returned handle detaches it. */
    Cancellable add(PipeObserver observer) {
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    void joined(PipeKey key, Party party, int receivers, int expected) {
        each(observer -> observer.onJoin(key, party, receivers, expected));
    }

    void left(PipeKey key, Party party) {
        each(observer -> observer.onLeave(key, party));
    }

    void refused(int status, PipeException.Reason reason) {
        each(observer -> observer.onRefused(status, reason));
    }

    void established(PipeKey key, int receivers, Duration waited) {
        each(observer -> observer.onEstablished(key, receivers, waited));
    }

    void bytes(PipeKey key, long sent, long delivered) {
        each(observer -> observer.onBytes(key, sent, delivered));
    }

    void ended(TransferSummary summary) {
        each(observer -> observer.onEnd(summary));
    }

    // events are a pipe's few moments and its 5 s ticks, never its chunks: a lambda each is cheap enough
    private void each(Consumer<PipeObserver> event) {
        for (PipeObserver observer : observers) {
            try {
                event.accept(observer);
            } catch (RuntimeException bug) {
                failed(observer, bug);
            }
        }
    }

    private static void failed(PipeObserver observer, RuntimeException bug) {
        LOG.error("pipe observer {} failed; the pipe goes on", observer.getClass().getName(), bug);
    }
}
