package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry point of the core: brings a sender and its receivers together by the pipe's path.
 *
 * <pre>{@code
 * PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), scheduler);
 * PipeKey key = registry.key("replay");
 * Sender sender = registry.attachSender(key, 8, info, senderPort);      // PUT /replay?n=8
 * Receiver receiver = registry.attachReceiver(key, 8, receiverPort);    // GET /replay?n=8, eight times
 * }</pre>
 *
 * <p>The first party to arrive creates the pipe; a pipe is forgotten as soon as it reaches a terminal state, so the
 * path is free again at once. A party that may not join (conflict, mismatch, full) gets a {@link PipeException}
 * and leaves the pipe untouched. {@link #close()} fails every pipe and refuses new parties. Thread-safe.
 */
public final class PipeRegistry implements AutoCloseable {

    private final PipeConfig config;
    private final Scheduler scheduler;
    private final PipeObserver observer;
    private final ConcurrentHashMap<PipeKey, Pipe> pipes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public PipeRegistry(PipeConfig config, Scheduler scheduler) {
        this(config, scheduler, PipeObserver.NONE);
    }

    public PipeRegistry(PipeConfig config, Scheduler scheduler, PipeObserver observer) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    public PipeConfig config() {
        return config;
    }

    /**
     * The key for a percent-decoded pipe path.
     *
     * @throws PipeException {@code INVALID_KEY} when empty, {@code KEY_TOO_LONG} past {@link PipeConfig#maxPathBytes()}
     */
    public PipeKey key(String path) throws PipeException {
        return PipeKey.of(path, config.maxPathBytes());
    }

    /**
     * Checks a number of receivers against {@link PipeConfig#maxReceivers()}.
     *
     * @throws PipeException {@code INVALID_RECEIVERS}, saying what is allowed
     */
    public int checkReceivers(int receivers) throws PipeException {
        if (receivers < 1 || receivers > config.maxReceivers()) {
            throw invalidReceivers(String.valueOf(receivers));
        }
        return receivers;
    }

    /** The error for a number of receivers that is not one, as the adapter read it. */
    public PipeException invalidReceivers(String given) {
        return new PipeException(Reason.INVALID_RECEIVERS, "Invalid \"n\" query parameter: n should be an integer from 1 to "
                + config.maxReceivers() + ", but n = " + given + ".");
    }

    /**
     * Adds the sender of pipe {@code key} for {@code receivers} receivers. Its port may be called before this
     * method returns (when it completes the pipe, with {@code demand()} among others).
     *
     * @throws PipeException when it may not join; the pipe is then untouched
     */
    public Sender attachSender(PipeKey key, int receivers, TransferInfo info, SenderPort port) throws PipeException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(port, "port");
        checkReceivers(receivers);
        for (;;) {
            Pipe pipe = open(key, receivers);
            SenderParty party = new SenderParty(pipe, port, info);
            if (pipe.joinSender(party, receivers)) {
                return party;
            }
            pipes.remove(key, pipe);
        }
    }

    /**
     * Adds a receiver of pipe {@code key}, which has {@code receivers} receivers. Its port may be called before this
     * method returns.
     *
     * @throws PipeException when it may not join; the pipe is then untouched
     */
    public Receiver attachReceiver(PipeKey key, int receivers, ReceiverPort port) throws PipeException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(port, "port");
        checkReceivers(receivers);
        for (;;) {
            Pipe pipe = open(key, receivers);
            ReceiverParty party = new ReceiverParty(pipe, port);
            if (pipe.joinReceiver(party, receivers)) {
                return party;
            }
            pipes.remove(key, pipe);
        }
    }

    private Pipe open(PipeKey key, int receivers) throws PipeException {
        if (closed) {
            throw new PipeException(Reason.SHUTTING_DOWN, "The server is shutting down.");
        }
        Pipe pipe = pipes.computeIfAbsent(key, k -> new Pipe(k, receivers, config, scheduler, observer, this::forget));
        if (closed) {
            // close() may have run between the check above and the creation: leave nothing behind it
            pipe.shutdown();
            throw new PipeException(Reason.SHUTTING_DOWN, "The server is shutting down.");
        }
        return pipe;
    }

    private void forget(Pipe pipe) {
        if (pipes.remove(pipe.key(), pipe)) {
            observer.onEnd(pipe.key(), pipe.state());
        }
    }

    /** The state of pipe {@code key}, or null when there is none. */
    public PipeState state(PipeKey key) {
        Pipe pipe = pipes.get(key);
        return pipe == null ? null : pipe.state();
    }

    /** The number of pipes waiting or streaming. */
    public int size() {
        return pipes.size();
    }

    /** Fails every pipe ({@code SHUTTING_DOWN}) and refuses new parties. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Pipe pipe : pipes.values()) {
            pipe.shutdown();
        }
    }

    @Override
    public String toString() {
        return "PipeRegistry[pipes=" + pipes.size() + (closed ? " closed" : "") + "]";
    }
}
