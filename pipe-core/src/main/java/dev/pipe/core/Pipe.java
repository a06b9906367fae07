package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.PipeObserver.Party;
import dev.pipe.core.PipeTimers.Kind;
import dev.pipe.core.text.Durations;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transfer's rendezvous and life: a sender and {@code expected} receivers meet here, and the pipe moves through
 * {@link PipeState} until it ends and its registry forgets it. Once everyone is there, the bytes are moved by its
 * {@link FanOut}. Its path is given back as soon as its sender's stream has ended ({@link Registration#pathFree}),
 * before the last bytes have reached the receivers, so that a receiver with every byte may come back for the next
 * transfer at once; the pipe is forgotten when it ends ({@link Registration#ended}).
 *
 * <pre>
 *            all parties here              stream ended, all written
 *  WAITING ──────────────────▶ STREAMING ───────────────────────────▶ COMPLETED
 *    │  │                          │
 *    │  │ join window over         │ sender or every receiver gone, idle timeout, shutdown
 *    │  └──────────▶ EXPIRED       └──────────────────────────────────▶ FAILED
 *    │ last waiting party left
 *    └──────────────▶ ABANDONED
 * </pre>
 *
 * <p>Every transition is made by {@link #establish} (to {@code STREAMING}) or {@link #end} (to a terminal state),
 * and nowhere else. A waiting party may leave and give its slot back; once streaming, the sender's going away
 * fails the pipe, a receiver's going away drops it alone unless it was the last one.
 *
 * <p>Threads and locks: one lock per pipe guards this class, its {@link FanOut}, its {@link PipeTimers}, its
 * parties' book-keeping and its {@link SerialQueue}. Decisions are taken under the lock and queued as port calls;
 * each public entry point runs the queue once it has released the lock, so ports of one pipe are never called
 * concurrently and never under the lock. Entry points come from any thread: the adapter's, a port's completion, a
 * timer. The pipe's events for its {@link Observers} go through the same queue, in the order they happened.
 */
final class Pipe {

    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);

    /** How often a waiting sender hears who is missing, unless it asks for more ({@link Sender#keepAlive}). */
    static final Duration WAITING_NOTICE_INTERVAL = Duration.ofSeconds(20);
    private static final Duration SHORTEST_NOTICE_INTERVAL = Duration.ofSeconds(1);

    /** Returned by {@link #takeWrite} when a queued write was called off. */
    static final ByteBuffer SKIP = ByteBuffer.allocate(0);

    private final PipeKey key;
    private final int expected;
    private final PipeConfig config;
    private final Observers observers;
    private final WaitingCounts waiting;
    private final Registration registration;
    private final Runnable pathFree;   // queued by the fan-out once the sender's stream has ended
    private final Object lock = new Object();
    private final SerialQueue queue = new SerialQueue(lock, this);
    private final PipeTimers timers;
    private final Runnable tick = this::tick;
    private final long openedNanos;

    // guarded by lock
    private PipeState state = PipeState.WAITING;
    private SenderParty sender;
    private final List<ReceiverParty> receivers = new ArrayList<>();
    private Duration noticeInterval = WAITING_NOTICE_INTERVAL;
    private FanOut fanOut;         // once STREAMING

    Pipe(PipeKey key, int expected, PipeConfig config, Scheduler scheduler, Observers observers,
         WaitingCounts waiting, Registration registration) {
        this.key = key;
        this.expected = expected;
        this.config = config;
        this.observers = observers;
        this.waiting = waiting;
        this.registration = registration;
        this.pathFree = () -> registration.pathFree(this);
        this.timers = new PipeTimers(scheduler);
        this.openedNanos = scheduler.nanoTime();
        synchronized (lock) {
            timers.arm(Kind.JOIN, this::expire, config.joinTimeout());
        }
    }

    /** How a pipe tells its registry that its path is free and that it has ended; each called on the pipe's queue. */
    interface Registration {
        /** The sender's stream has ended (its last bytes are on their way): a new pipe may take the path. */
        void pathFree(Pipe pipe);

        /** The pipe has reached a terminal state. */
        void ended(Pipe pipe);
    }

    PipeKey key() {
        return key;
    }

    PipeState state() {
        synchronized (lock) {
            return state;
        }
    }

    // ---------------------------------------------------------------- rendezvous

    /** Adds the sender; false when this pipe is already terminal and the registry must make a new one. */
    boolean joinSender(SenderParty party, int n) throws PipeException {
        synchronized (lock) {
            if (!isJoinable(n)) {
                return false;
            }
            if (sender != null) {
                throw new PipeException(Reason.SENDER_CONFLICT,
                        "Another sender has been connected on '/" + key.path() + "'.");
            }
            if (receivers.size() < expected) {
                party.ticket = waiting.acquire(party.client); // it will wait: counted (or refused)
            }
            sender = party;
            queue.add(() -> party.report(new Progress.Waiting(expected)));
            if (!receivers.isEmpty()) {
                Progress notice = new Progress.AlreadyConnected(receivers.size());
                queue.add(() -> party.report(notice));
            }
            timers.arm(Kind.TICK, tick, noticeInterval);
            joined(Party.SENDER);
            establishIfReady();
        }
        queue.run();
        return true;
    }

    /** Adds a receiver; as {@link #joinSender}. */
    boolean joinReceiver(ReceiverParty party, int n) throws PipeException {
        synchronized (lock) {
            if (!isJoinable(n)) {
                return false;
            }
            if (receivers.size() >= expected) {
                throw new PipeException(Reason.RECEIVERS_FULL, "The number of receivers has reached limits.");
            }
            if (sender == null || receivers.size() + 1 < expected) {
                party.ticket = waiting.acquire(party.client); // it will wait: counted (or refused)
            }
            receivers.add(party);
            SenderParty waiting = sender;
            if (waiting != null) {
                Progress notice = new Progress.ReceiverConnected(receivers.size(), expected);
                queue.add(() -> waiting.report(notice));
            }
            joined(Party.RECEIVER);
            establishIfReady();
        }
        queue.run();
        return true;
    }

    // guarded by lock: the observers hear of a join before anything the join set off (establishment, an end)
    private void joined(Party party) {
        int connected = receivers.size();
        queue.add(() -> observers.joined(key, party, connected, expected));
    }

    // guarded by lock: false when terminal (the registry makes a new pipe); refuses everyone once established
    private boolean isJoinable(int n) throws PipeException {
        if (state == PipeState.STREAMING) {
            throw new PipeException(Reason.ALREADY_ESTABLISHED,
                    "Connection on '/" + key.path() + "' has been established already.");
        }
        if (state.isTerminal()) {
            return false;
        }
        if (n != expected) {
            throw new PipeException(Reason.RECEIVERS_MISMATCH,
                    "The number of receivers should be " + expected + " but " + n + ".");
        }
        return true;
    }

    // guarded by lock
    private void establishIfReady() {
        if (sender == null || receivers.size() < expected) {
            return;
        }
        state = PipeState.STREAMING;
        timers.cancel(Kind.JOIN);
        releaseTickets();
        Duration waited = Duration.ofNanos(timers.nanoTime() - openedNanos);
        queue.add(() -> observers.established(key, expected, waited));
        fanOut = new FanOut(lock, config, timers, queue, this::end, pathFree, sender, receivers, waited,
                (sent, delivered) -> queue.add(() -> observers.bytes(key, sent, delivered)));
        LOG.debug("{} established", this);
    }

    /** A waiting sender's transport wants to write to it more often; see {@link Sender#keepAlive}. */
    void keepAlive(SenderParty party, Duration every) {
        synchronized (lock) {
            Duration interval = every.compareTo(SHORTEST_NOTICE_INTERVAL) < 0 ? SHORTEST_NOTICE_INTERVAL : every;
            if (state != PipeState.WAITING || sender != party || interval.compareTo(noticeInterval) >= 0) {
                return;
            }
            noticeInterval = interval;
            timers.arm(Kind.TICK, tick, noticeInterval);
        }
    }

    private void tick() {
        synchronized (lock) {
            timers.fired(Kind.TICK);
            SenderParty current = sender;
            if (state != PipeState.WAITING || current == null) {
                return;
            }
            Progress notice = new Progress.StillWaiting(receivers.size(), expected);
            queue.add(() -> current.report(notice));
            timers.arm(Kind.TICK, tick, noticeInterval);
        }
        queue.run();
    }

    private void expire() {
        synchronized (lock) {
            if (state != PipeState.WAITING) {
                return;
            }
            int absent = expected - receivers.size();
            String missing = (sender == null ? "the sender" + (absent > 0 ? " and " : "") : "")
                    + (absent > 0 ? absent + " of " + expected + " receiver(s)" : "");
            end(PipeState.EXPIRED, new PipeException(Reason.RENDEZVOUS_EXPIRED, "The pipe was not established"
                    + " within " + Durations.format(config.joinTimeout()) + ": " + missing + " did not come."));
        }
        queue.run();
    }

    // ---------------------------------------------------------------- the parties' calls

    void onChunk(SenderParty party, ByteBuffer chunk, Completion release) {
        synchronized (lock) {
            if (fanOut == null || party.gone) {
                queue.add(release::succeeded); // not streaming (a bug, or too late): given back at once
            } else {
                fanOut.onChunk(chunk, release);
            }
        }
        queue.run();
    }

    void onEnd(SenderParty party) {
        synchronized (lock) {
            if (fanOut == null || party.gone) {
                return;
            }
            fanOut.onEnd();
        }
        queue.run();
    }

    void onSenderGone(SenderParty party, Throwable cause) {
        synchronized (lock) {
            if (party.gone || state.isTerminal()) {
                return;
            }
            party.gone = true;
            LOG.debug("{} sender gone: {}", this, String.valueOf(cause), cause);
            if (state == PipeState.WAITING) {
                sender = null;
                party.ticket.release();
                queue.add(() -> observers.left(key, Party.SENDER));
                timers.cancel(Kind.TICK);
                noticeInterval = WAITING_NOTICE_INTERVAL;
                if (receivers.isEmpty()) {
                    end(PipeState.ABANDONED, null);
                }
            } else if (!fanOut.isEnding()) {
                // once the stream has ended every byte is on its way: the receivers finish without the sender
                end(PipeState.FAILED, senderFailure(cause));
            }
        }
        queue.run();
    }

    /**
     * Why a streaming pipe fails when its sender's stream breaks: the server's own lack of memory (an
     * {@link OutOfMemoryError} among the causes: a buffer for the sender's bytes could not be had), or else the sender
     * aborting.
     */
    private static PipeException senderFailure(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {   // bounded: a chain may loop
            if (t instanceof OutOfMemoryError) {
                return new PipeException(Reason.OUT_OF_MEMORY,
                        "The server has no memory left for this transfer: try again later.", cause);
            }
        }
        return new PipeException(Reason.SENDER_ABORTED, "The sender aborted before the end of the stream.", cause);
    }

    /** Called by a receiver's write action: the chunk to write, null to complete, or SKIP when called off. */
    ByteBuffer takeWrite(ReceiverParty receiver) {
        synchronized (lock) {
            return receiver.issue();
        }
    }

    void onWriteSucceeded(ReceiverParty receiver) {
        synchronized (lock) {
            if (receiver.finishIssuedWrite()) {
                fanOut.written(receiver);
            }
        }
        queue.run();
    }

    void onWriteFailed(ReceiverParty receiver, Throwable cause) {
        synchronized (lock) {
            receiverGone(receiver, receiver.finishIssuedWrite(), cause);
        }
        queue.run();
    }

    void onReceiverGone(ReceiverParty receiver, Throwable cause) {
        synchronized (lock) {
            receiverGone(receiver, false, cause);
        }
        queue.run();
    }

    // guarded by lock
    private void receiverGone(ReceiverParty receiver, boolean issuedWriteFailed, Throwable cause) {
        LOG.debug("{} receiver gone: {}", this, String.valueOf(cause));
        if (fanOut != null) {
            fanOut.gone(receiver, issuedWriteFailed, cause);
        } else if (receiver.isActive()) {
            receiver.gone = true;
            if (state == PipeState.WAITING) {
                receivers.remove(receiver);
                receiver.ticket.release();
                queue.add(() -> observers.left(key, Party.RECEIVER));
                if (sender == null && receivers.isEmpty()) {
                    end(PipeState.ABANDONED, null);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the end

    /** Ends the pipe if it has no party (the one that made it was refused): it is forgotten at once. */
    void abandonIfEmpty() {
        synchronized (lock) {
            if (state != PipeState.WAITING || sender != null || !receivers.isEmpty()) {
                return;
            }
            end(PipeState.ABANDONED, null);
        }
        queue.run();
    }

    /** Fails the pipe because the registry is closing, or draining ({@code onlyIfWaiting}: a streaming pipe goes on). */
    void shutdown(boolean onlyIfWaiting) {
        synchronized (lock) {
            if (state.isTerminal() || (onlyIfWaiting && state != PipeState.WAITING)) {
                return;
            }
            end(PipeState.FAILED, new PipeException(Reason.SHUTTING_DOWN, "The server is shutting down."));
        }
        queue.run();
    }

    // guarded by lock: moves to a terminal state and queues what the parties must be told
    private void end(PipeState terminal, PipeException failure) {
        state = terminal;
        releaseTickets();
        timers.cancelAll();
        // first of all, make the path free again
        queue.addFirst(() -> registration.ended(this));
        if (fanOut != null) {
            fanOut.stop(failure);
        } else if (failure != null) {
            for (ReceiverParty receiver : receivers) {
                receiver.gone = true;
                queue.add(() -> receiver.abort(failure));
            }
        }
        SenderParty current = sender;
        if (failure != null && current != null) {
            queue.add(() -> current.fail(failure));
        }
        TransferSummary summary = fanOut != null ? fanOut.summary(key, terminal, failure)
                : new TransferSummary(key, expected, TransferSummary.Outcome.of(terminal, failure), terminal, 0, 0, 0,
                        0, Duration.ofNanos(timers.nanoTime() - openedNanos), Duration.ZERO, failure);
        queue.add(() -> observers.ended(summary));
    }

    /** Adds this pipe to {@code tally}: [waiting pipes, streaming pipes, parties waiting]. */
    void countInto(int[] tally) {
        synchronized (lock) {
            if (state == PipeState.WAITING) {
                tally[0]++;
                tally[2] += (sender == null ? 0 : 1) + receivers.size();
            } else if (state == PipeState.STREAMING) {
                tally[1]++;
            }
        }
    }

    // guarded by lock: the parties no longer wait (established, or ended), so their clients' counts go down
    private void releaseTickets() {
        if (sender != null) {
            sender.ticket.release();
        }
        for (ReceiverParty receiver : receivers) {
            receiver.ticket.release();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Pipe[" + state + " key=" + key + (sender == null ? " no-sender" : "")
                    + (fanOut != null ? fanOut.figures(expected) : " rx=" + receivers.size() + "/" + expected) + "]";
        }
    }
}
