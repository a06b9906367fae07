package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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
 * <p>The first party to arrive creates the pipe. Its path is free again as soon as the sender's stream has ended
 * (the last bytes on their way to the receivers: a new pipe may start there while they are written), or as soon as
 * the pipe reaches a terminal state, whichever is first; until it ends, a pipe whose path is free is still counted
 * (its place of {@link PipeConfig#maxPipes()}, {@link #size}, {@link #census}, {@link #awaitEmpty}) and still
 * failed by {@link #close}. A party that may not join (conflict, mismatch, full, a limit of
 * {@link PipeConfig}) gets a {@link PipeException} and leaves the pipe untouched. {@link #drain()} refuses new
 * parties and lets streaming pipes finish; {@link #close()} fails every pipe and refuses new parties. Thread-safe.
 */
public final class PipeRegistry implements AutoCloseable {

    /**
     * Whether the registry takes new parties.
     *
     * <pre>
     *   OPEN ──drain()──▶ DRAINING ──close()──▶ CLOSED
     *     └───────────────close()─────────────────▲
     * </pre>
     *
     * Only {@link #drain} and {@link #close} change it (an atomic reference: a racing new party is caught by the check
     * after its pipe is made, in {@code open}); every state but {@code OPEN} refuses new parties.
     */
    private enum Lifecycle { OPEN, DRAINING, CLOSED }

    private final PipeConfig config;
    private final Scheduler scheduler;
    private final Observers observers = new Observers();
    private final PipeTable pipes = new PipeTable();
    private final AtomicInteger open = new AtomicInteger();   // places: pipes (counted out once) and holds
    private final Pipe.Registration registration = new Pipe.Registration() {
        @Override
        public void pathFree(Pipe pipe) {
            pipes.pathFree(pipe);
        }

        @Override
        public void ended(Pipe pipe) {
            forget(pipe);
        }
    };
    private final WaitingCounts waiting;
    private final AtomicInteger holds = new AtomicInteger();
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.OPEN); // drain(), close()

    /**
     * A registry with no observer of its own (the log line per transfer is always there).
     *
     * @param config    the settings of every pipe
     * @param scheduler the clock and timers the pipes run on
     */
    public PipeRegistry(PipeConfig config, Scheduler scheduler) {
        this(config, scheduler, PipeObserver.NONE);
    }

    /**
     * A registry with {@code observer} attached from the start (as {@link #observe}).
     *
     * @param config    the settings of every pipe
     * @param scheduler the clock and timers the pipes run on
     * @param observer  watches every pipe's events; {@link PipeObserver#NONE} for none
     */
    public PipeRegistry(PipeConfig config, Scheduler scheduler, PipeObserver observer) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.waiting = new WaitingCounts(config.maxWaitingPerClient());
        observers.add(TransferLog.INSTANCE);
        if (Objects.requireNonNull(observer, "observer") != PipeObserver.NONE) {
            observers.add(observer);
        }
    }

    /**
     * Attaches {@code observer} to every pipe's events from now on (the log line per transfer is one observer
     * already); cancel the returned handle to detach it.
     *
     * @param observer watches every pipe's events from now on
     * @return the handle that detaches it
     */
    public Cancellable observe(PipeObserver observer) {
        return observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /**
     * Tells the observers that the adapter refused a request before it touched a pipe: answered with {@code status},
     * for the core's {@code reason} (a {@link PipeException} it threw) or null for the adapter's own.
     *
     * @param status the status the adapter answered, such as an HTTP status
     * @param reason the core's reason, or null when the adapter refused on its own account
     */
    public void refused(int status, PipeException.Reason reason) {
        observers.refused(status, reason);
    }

    /**
     * What the registry holds now, for a gauge or a status page.
     *
     * @param waitingPipes   pipes waiting for their parties
     * @param streamingPipes pipes moving bytes
     * @param partiesWaiting parties on waiting pipes, and forms holding a place until their file starts
     */
    public record Census(int waitingPipes, int streamingPipes, int partiesWaiting) {
    }

    /**
     * Counts the pipes by state and the parties waiting; each pipe is looked at once, briefly under its lock.
     *
     * @return the counts, as of the call; they may have changed by the time it returns
     */
    public Census census() {
        int[] tally = new int[3];
        pipes.forEach(pipe -> pipe.countInto(tally));
        return new Census(tally[0], tally[1], tally[2] + holds.get());
    }

    /**
     * The settings the registry was made with.
     *
     * @return the settings of every pipe
     */
    public PipeConfig config() {
        return config;
    }

    /**
     * The key for a percent-decoded pipe path.
     *
     * @param path the pipe path, percent-decoded
     * @return the key
     * @throws PipeException {@code INVALID_KEY} when empty, {@code KEY_TOO_LONG} past {@link PipeConfig#maxPathBytes()}
     */
    public PipeKey key(String path) throws PipeException {
        return PipeKey.of(path, config.maxPathBytes());
    }

    /**
     * Checks a number of receivers against {@link PipeConfig#maxReceivers()}. An adapter checks what the client wrote
     * first, in its own protocol's words; this is the engine's own guard.
     */
    private void checkReceivers(int receivers) throws PipeException {
        if (receivers < 1 || receivers > config.maxReceivers()) {
            throw new PipeException(Reason.INVALID_RECEIVERS, "The number of receivers must be from 1 to "
                    + config.maxReceivers() + ", not " + receivers + ".");
        }
    }

    /**
     * Adds the sender of pipe {@code key} for {@code receivers} receivers, from a client the adapter does not name
     * (not counted against {@link PipeConfig#maxWaitingPerClient()}).
     *
     * @param key       the pipe
     * @param receivers the number of receivers the sender asks for
     * @param info      what the sender says about its stream
     * @param port      the sender's side of the transport
     * @return the sender, for the adapter to feed the stream to
     * @throws PipeException when it may not join; the pipe is then untouched
     * @see #attachSender(PipeKey, int, TransferInfo, SenderPort, String)
     */
    public Sender attachSender(PipeKey key, int receivers, TransferInfo info, SenderPort port) throws PipeException {
        return attachSender(key, receivers, info, port, null);
    }

    /**
     * Adds the sender of pipe {@code key} for {@code receivers} receivers. Its port may be called before this
     * method returns (when it completes the pipe, with {@code demand()} among others).
     *
     * @param key       the pipe
     * @param receivers the number of receivers the sender asks for
     * @param info      what the sender says about its stream
     * @param port      the sender's side of the transport
     * @param client    who the party is, for {@link PipeConfig#maxWaitingPerClient()} (an address); null: not
     *                  counted. A party that completes the pipe as it joins never counts as waiting
     * @return the sender, for the adapter to feed the stream to
     * @throws PipeException when it may not join; the pipe is then untouched
     */
    public Sender attachSender(PipeKey key, int receivers, TransferInfo info, SenderPort port, String client)
            throws PipeException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(port, "port");
        return attach(key, receivers, pipe -> new SenderParty(pipe, port, info, client), Pipe::joinSender);
    }

    /**
     * Adds a receiver of pipe {@code key} from a client the adapter does not name; as the method below.
     *
     * @param key       the pipe
     * @param receivers the number of receivers the party says the pipe has
     * @param port      the receiver's side of the transport
     * @return the receiver, for the adapter to report its departure to
     * @throws PipeException when it may not join; the pipe is then untouched
     * @see #attachReceiver(PipeKey, int, ReceiverPort, String)
     */
    public Receiver attachReceiver(PipeKey key, int receivers, ReceiverPort port) throws PipeException {
        return attachReceiver(key, receivers, port, null);
    }

    /**
     * Adds a receiver of pipe {@code key}, which has {@code receivers} receivers. Its port may be called before this
     * method returns.
     *
     * @param key       the pipe
     * @param receivers the number of receivers the party says the pipe has
     * @param port      the receiver's side of the transport
     * @param client    who the party is, for {@link PipeConfig#maxWaitingPerClient()} (an address); null: not
     *                  counted. A party that completes the pipe as it joins never counts as waiting
     * @return the receiver, for the adapter to report its departure to
     * @throws PipeException when it may not join; the pipe is then untouched
     */
    public Receiver attachReceiver(PipeKey key, int receivers, ReceiverPort port, String client)
            throws PipeException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(port, "port");
        return attach(key, receivers, pipe -> new ReceiverParty(pipe, port, client), Pipe::joinReceiver);
    }

    /** How a party joins its pipe: {@link Pipe#joinSender} or {@link Pipe#joinReceiver}. */
    @FunctionalInterface
    private interface Join<P> {
        boolean join(Pipe pipe, P party, int receivers) throws PipeException;
    }

    private <P> P attach(PipeKey key, int receivers, Function<Pipe, P> newParty, Join<P> join)
            throws PipeException {
        checkReceivers(receivers);
        for (;;) {
            Pipe pipe = open(key, receivers);
            P party = newParty.apply(pipe);
            boolean joined;
            try {
                joined = join.join(pipe, party, receivers);
            } catch (PipeException refused) {
                pipe.abandonIfEmpty(); // a pipe this party just made, and may not wait in: leave nothing behind
                throw refused;
            }
            if (joined) {
                return party;
            }
            forget(pipe); // terminal, and perhaps not forgotten yet: make way for a new one
        }
    }

    private Pipe open(PipeKey key, int receivers) throws PipeException {
        if (lifecycle.get() != Lifecycle.OPEN) {
            throw shuttingDown();
        }
        Pipe pipe;
        boolean[] created = new boolean[1];
        try {
            pipe = pipes.holderOrMake(key, k -> {
                if (!takePlace()) {
                    throw new Full();
                }
                try {
                    Pipe made = new Pipe(k, receivers, config, scheduler, observers, waiting, registration);
                    created[0] = true;
                    return made;
                } catch (RuntimeException | Error failed) {
                    open.decrementAndGet(); // nothing entered the map: its place is free again
                    throw failed;
                }
            });
        } catch (Full full) {
            throw tooManyPipes();
        }
        if (lifecycle.get() != Lifecycle.OPEN) {
            // drain() or close() ran between the check above and now. A pipe this call made has no party yet: leave
            // nothing behind. One that was there is theirs to end (close) or to let finish (drain), not ours.
            if (created[0]) {
                pipe.abandonIfEmpty();
            }
            throw shuttingDown();
        }
        return pipe;
    }

    /** Takes one of the {@link PipeConfig#maxPipes()} places (a pipe's or a hold's); false when none is left. */
    private boolean takePlace() {
        if (open.incrementAndGet() > config.maxPipes()) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    private PipeException tooManyPipes() {
        return new PipeException(Reason.TOO_MANY_PIPES, "The server holds as many pipes as it may ("
                + config.maxPipes() + "): try again later.");
    }

    private static PipeException shuttingDown() {
        return new PipeException(Reason.SHUTTING_DOWN, "The server is shutting down.");
    }

    /** Thrown inside {@link PipeTable#holderOrMake} (a computeIfAbsent), which then leaves the table as it was. */
    private static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full() {
            super(null, null, false, false);
        }
    }

    /** Forgets an ended pipe and gives its place back, once, whoever calls first (see {@link PipeTable}). */
    private void forget(Pipe pipe) {
        if (pipes.forget(pipe)) {
            open.decrementAndGet();
        }
    }

    /**
     * Holds a place for a party of {@code client} that is not on a pipe yet; {@code onExpired} runs (on the
     * scheduler's thread) if the hold is still held when the join window ends.
     *
     * @param client    who the party is (an address), as for {@link #attachSender(PipeKey, int, TransferInfo,
     *                  SenderPort, String)}; null: not counted against {@link PipeConfig#maxWaitingPerClient()}
     * @param onExpired what to do, such as refusing the party, when the hold expires before it is released
     * @return the hold, to release before the party joins its pipe
     * @throws PipeException {@code SHUTTING_DOWN}, {@code TOO_MANY_PIPES} or {@code TOO_MANY_WAITING}, as a new pipe
     */
    public Hold hold(String client, Runnable onExpired) throws PipeException {
        Objects.requireNonNull(onExpired, "onExpired");
        if (lifecycle.get() != Lifecycle.OPEN) {
            throw shuttingDown();
        }
        if (!takePlace()) {
            throw tooManyPipes();
        }
        WaitingCounts.Ticket ticket;
        try {
            ticket = waiting.acquire(client);
        } catch (PipeException refused) {
            open.decrementAndGet();
            throw refused;
        }
        holds.incrementAndGet();
        Hold hold = new Hold(ticket, () -> {
            holds.decrementAndGet();
            open.decrementAndGet();
        });
        hold.expireBy(scheduler.schedule(() -> {
            if (hold.release()) {
                onExpired.run();
            }
        }, config.joinTimeout()));
        return hold;
    }

    /**
     * The places taken toward {@link PipeConfig#maxPipes()}: the pipes, and the holds of parties not yet on one.
     *
     * @return the number of places taken now
     */
    public int places() {
        return open.get();
    }

    /**
     * The parties {@code client} has waiting in pipes not yet established.
     *
     * @param client the client's address, as the adapter gave it when its parties joined; not null
     * @return the number of its parties counted as waiting now, holds included; always 0 when
     *         {@link PipeConfig#maxWaitingPerClient()} is 0 (no limit), since nothing is counted then
     */
    public int waiting(String client) {
        return waiting.waiting(client);
    }

    /**
     * Starts a graceful shutdown: refuses new parties ({@code SHUTTING_DOWN}), fails the pipes still waiting
     * (they could only be completed by a new party), and lets streaming pipes go on to their end. Follow with
     * {@link #awaitEmpty} and {@link #close()}. Idempotent.
     */
    public void drain() {
        lifecycle.compareAndSet(Lifecycle.OPEN, Lifecycle.DRAINING);
        pipes.forEachHolder(pipe -> pipe.shutdown(true));
    }

    /**
     * Whether a stop has begun ({@link #drain} or {@link #close}): new parties are refused from then on.
     *
     * @return true once draining or closed
     */
    public boolean isStopping() {
        return lifecycle.get() != Lifecycle.OPEN;
    }

    /**
     * Waits until no pipe is left (all ended), at most {@code timeout}; true when none is left.
     *
     * @param timeout how long to wait at most
     * @return true when no pipe is left, false when some still were at the end of {@code timeout}
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        return pipes.awaitEmpty(timeout);
    }

    /**
     * The state of the pipe that holds path {@code key}, or null when none does (a pipe whose stream has ended no
     * longer holds its path, though it may still be writing its last bytes).
     *
     * @param key the pipe's path
     * @return its state now, or null when no pipe holds the path
     */
    public PipeState state(PipeKey key) {
        Pipe pipe = pipes.holder(key);
        return pipe == null ? null : pipe.state();
    }

    /**
     * The clock and timers the pipes run on; an adapter's own short timers may use them too.
     *
     * @return the scheduler the registry was made with
     */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * The number of pipes waiting or streaming.
     *
     * @return the number of pipes the registry holds now
     */
    public int size() {
        return pipes.size();
    }

    /** Fails every pipe ({@code SHUTTING_DOWN}) and refuses new parties. Idempotent. */
    @Override
    public void close() {
        lifecycle.set(Lifecycle.CLOSED);
        pipes.forEach(pipe -> pipe.shutdown(false));
    }

    @Override
    public String toString() {
        Lifecycle now = lifecycle.get();
        return "PipeRegistry[pipes=" + pipes.size() + (now != Lifecycle.OPEN ? " " + now : "") + "]";
    }
}
