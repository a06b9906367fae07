package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transfer: a sender, {@code expected} receivers, the rendezvous that brings them together and the fan-out
 * of every chunk to all of them. Created by {@link PipeRegistry} when the first party arrives, forgotten when it
 * reaches a terminal {@link PipeState}.
 *
 * <p>Lifecycle: parties join while the pipe is {@code WAITING}; a waiting party may leave and give its slot back.
 * When the sender and all receivers are there the pipe is {@code STREAMING}: the sender is asked for one chunk,
 * the chunk goes to every receiver, and only when the last of them has written it (or gone) is the chunk released
 * and the next one asked for. The sender's end completes every receiver; the sender's going away aborts them all;
 * a receiver's going away drops it alone, unless it was the last one.
 *
 * <pre>
 * Implementation notes
 *
 * One lock per pipe; every mutable field below is guarded by it. Decisions are taken under the lock and
 * expressed as actions (port calls) queued in `actions`; actions run after the lock is released, one at a time,
 * by whichever thread found the queue idle (`draining`). So ports of one pipe are never called concurrently, never
 * under the lock, and a port that completes synchronously (a write done at once, a sender that answers demand
 * from inside demand()) loops in drain() instead of recursing.
 *
 * The hot path allocates nothing: each receiver writes from its own view of the chunk (a duplicate(), so that its
 * position is its own), made once per buffer the sender lends and reset for each chunk in that buffer; a sender that
 * lends the same buffer every time (as the adapters do) costs no garbage per chunk. The write action, the write
 * completion, the release action and the demand action are fields, created once.
 *
 * The chunk in flight is released exactly once, when `pendingWrites` reaches zero: a write that a port has
 * started is counted until the port completes it, even if its receiver is gone or the pipe has failed, so that no
 * port still reads a buffer the sender has been given back.
 *
 * Timers: the join timer is cancelled when the pipe is established; the idle and drop checks re-arm themselves
 * lazily from `lastProgressNanos` / `heldSinceNanos` instead of being rescheduled per chunk.
 * </pre>
 */
final class Pipe {

    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);

    static final Duration WAITING_NOTICE_INTERVAL = Duration.ofSeconds(20);
    static final Duration STREAMING_NOTICE_INTERVAL = Duration.ofSeconds(5);

    /** Returned by {@link #takeWrite} when a queued write was called off. */
    static final ByteBuffer SKIP = ByteBuffer.allocate(0);

    private final PipeKey key;
    private final int expected;
    private final PipeConfig config;
    private final Scheduler scheduler;
    private final PipeObserver observer;
    private final WaitingCounts waiting;
    private final Consumer<Pipe> forget;
    private final Object lock = new Object();

    // guarded by lock
    private PipeState state = PipeState.WAITING;
    private SenderParty sender;
    private final List<ReceiverParty> receivers = new ArrayList<>();
    private final ArrayDeque<Runnable> actions = new ArrayDeque<>();
    private boolean draining;
    private boolean demanded;
    private boolean ending;
    private Completion release;        // the chunk in flight, or null
    private Completion toRelease;      // handed to releaseAction
    private int pendingWrites;
    private int active;                // receivers of a streaming pipe neither gone nor done
    private int dropped;
    private long bytes;
    private long startNanos;
    private long lastProgressNanos;
    private long heldSinceNanos = -1;  // when the first receiver finished the chunk in flight while others had not
    private long reportedBytes;
    private long reportedNanos;
    private Cancellable joinTimer = Cancellable.NONE;
    private Cancellable tickTimer = Cancellable.NONE;
    private Cancellable idleTimer = Cancellable.NONE;
    private Cancellable dropTimer;     // null when not armed

    private final Runnable releaseAction = this::releaseChunk;

    Pipe(PipeKey key, int expected, PipeConfig config, Scheduler scheduler, PipeObserver observer,
         WaitingCounts waiting, Consumer<Pipe> forget) {
        this.key = key;
        this.expected = expected;
        this.config = config;
        this.scheduler = scheduler;
        this.observer = observer;
        this.waiting = waiting;
        this.forget = forget;
        synchronized (lock) {
            joinTimer = scheduler.schedule(this::expire, config.joinTimeout());
        }
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
        int connected;
        boolean drain;
        synchronized (lock) {
            if (!isJoinable()) {
                return false;
            }
            if (sender != null) {
                throw new PipeException(Reason.SENDER_CONFLICT,
                        "Another sender has been connected on '/" + key.path() + "'.");
            }
            checkReceivers(n);
            if (receivers.size() < expected) {
                party.ticket = waiting.acquire(party.client); // it will wait: counted (or refused)
            }
            sender = party;
            actions.add(() -> report(party, new Progress.Waiting(expected)));
            if (!receivers.isEmpty()) {
                Progress notice = new Progress.AlreadyConnected(receivers.size());
                actions.add(() -> report(party, notice));
            }
            tickTimer.cancel();
            tickTimer = scheduler.schedule(this::tick, WAITING_NOTICE_INTERVAL);
            connected = receivers.size();
            establishIfReady();
            drain = claimDrain();
        }
        joined(true, connected, drain);
        return true;
    }

    /** Adds a receiver; as {@link #joinSender}. */
    boolean joinReceiver(ReceiverParty party, int n) throws PipeException {
        int connected;
        boolean drain;
        synchronized (lock) {
            if (!isJoinable()) {
                return false;
            }
            checkReceivers(n);
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
                actions.add(() -> report(waiting, notice));
            }
            connected = receivers.size();
            establishIfReady();
            drain = claimDrain();
        }
        joined(false, connected, drain);
        return true;
    }

    // the observer hears of a join before anything the join set off, such as the end of the pipe
    private void joined(boolean isSender, int connected, boolean drain) {
        try {
            observer.onJoin(key, isSender, connected);
        } catch (RuntimeException bug) {
            LOG.error("{} observer failed", this, bug);
        }
        if (drain) {
            drain();
        }
    }

    // guarded by lock: false when terminal (the registry makes a new pipe); refuses everyone once established
    private boolean isJoinable() throws PipeException {
        if (state == PipeState.STREAMING) {
            throw new PipeException(Reason.ALREADY_ESTABLISHED,
                    "Connection on '/" + key.path() + "' has been established already.");
        }
        return !state.isTerminal();
    }

    private void checkReceivers(int n) throws PipeException {
        if (n != expected) {
            throw new PipeException(Reason.RECEIVERS_MISMATCH,
                    "The number of receivers should be " + expected + " but " + n + ".");
        }
    }

    // guarded by lock
    private void establishIfReady() {
        if (sender == null || receivers.size() < expected) {
            return;
        }
        state = PipeState.STREAMING;
        joinTimer.cancel();
        releaseTickets();
        long now = scheduler.nanoTime();
        startNanos = now;
        lastProgressNanos = now;
        reportedNanos = now;
        active = receivers.size();
        SenderParty streaming = sender;
        TransferInfo info = streaming.info;
        Progress started = new Progress.Started(expected);
        actions.add(() -> report(streaming, started));
        for (ReceiverParty receiver : receivers) {
            actions.add(() -> call(receiver, () -> receiver.port.begin(info)));
        }
        demanded = true;
        actions.add(streaming.demandAction);
        tickTimer.cancel();
        tickTimer = scheduler.schedule(this::tick, STREAMING_NOTICE_INTERVAL);
        idleTimer = scheduler.schedule(this::checkIdle, config.idleTimeout());
        LOG.debug("{} established", this);
    }

    // ---------------------------------------------------------------- the sender's stream

    void onChunk(SenderParty party, ByteBuffer chunk, Completion release) {
        synchronized (lock) {
            if (state.isTerminal() || party.gone) {
                toRelease = release;
                actions.add(releaseAction);
            } else {
                if (!demanded) {
                    throw new IllegalStateException("onChunk without demand: " + this);
                }
                demanded = false;
                int length = chunk.remaining();
                if (length == 0) {
                    toRelease = release;
                    actions.add(releaseAction);
                    demanded = true;
                    actions.add(party.demandAction);
                } else {
                    this.release = release;
                    bytes += length;
                    lastProgressNanos = scheduler.nanoTime();
                    heldSinceNanos = -1;
                    for (ReceiverParty receiver : receivers) {
                        if (!receiver.gone && !receiver.done) {
                            receiver.view = receiver.viewOf(chunk);
                            receiver.write = ReceiverParty.Write.QUEUED;
                            pendingWrites++;
                            actions.add(receiver.writeAction);
                        }
                    }
                }
            }
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    void onEnd(SenderParty party) {
        synchronized (lock) {
            if (state.isTerminal() || party.gone) {
                return;
            }
            if (!demanded) {
                throw new IllegalStateException("onEnd without demand: " + this);
            }
            demanded = false;
            ending = true;
            actions.add(() -> report(party, new Progress.Sent()));
            for (ReceiverParty receiver : receivers) {
                if (!receiver.gone && !receiver.done) {
                    receiver.view = null;
                    receiver.write = ReceiverParty.Write.QUEUED;
                    pendingWrites++;
                    actions.add(receiver.writeAction);
                }
            }
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    void onSenderGone(SenderParty party, Throwable cause) {
        synchronized (lock) {
            if (party.gone || state.isTerminal()) {
                return;
            }
            party.gone = true;
            LOG.debug("{} sender gone: {}", this, String.valueOf(cause), cause);
            if (ending) {
                // the stream ended before the sender left: every byte is on its way, let the receivers finish
                return;
            }
            if (state == PipeState.WAITING) {
                sender = null;
                party.ticket.release();
                tickTimer.cancel();
                if (receivers.isEmpty()) {
                    end(PipeState.ABANDONED, null);
                }
            } else {
                end(PipeState.FAILED, new PipeException(Reason.SENDER_ABORTED,
                        "The sender aborted before the end of the stream.", cause));
            }
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    // ---------------------------------------------------------------- the receivers' writes

    /** Called by a receiver's write action: the chunk to write, null to complete, or SKIP when called off. */
    ByteBuffer takeWrite(ReceiverParty receiver) {
        synchronized (lock) {
            if (receiver.write != ReceiverParty.Write.QUEUED) {
                return SKIP;
            }
            receiver.write = ReceiverParty.Write.ISSUED;
            ByteBuffer view = receiver.view;
            receiver.view = null;
            return view;
        }
    }

    void onWriteSucceeded(ReceiverParty receiver) {
        synchronized (lock) {
            if (receiver.write != ReceiverParty.Write.ISSUED) {
                return;
            }
            receiver.write = ReceiverParty.Write.NONE;
            pendingWrites--;
            long now = scheduler.nanoTime();
            lastProgressNanos = now;
            if (ending && !receiver.gone) {
                receiver.done = true;
            }
            // a write that lands after its receiver left does not start the slow-receiver clock
            afterWrite(now, !receiver.gone);
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    void onWriteFailed(ReceiverParty receiver, Throwable cause) {
        synchronized (lock) {
            if (receiver.write == ReceiverParty.Write.ISSUED) {
                receiver.write = ReceiverParty.Write.NONE;
                pendingWrites--;
            }
            receiverGone(receiver, cause);
            afterWrite(scheduler.nanoTime(), false);
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    void onReceiverGone(ReceiverParty receiver, Throwable cause) {
        synchronized (lock) {
            receiverGone(receiver, cause);
            afterWrite(scheduler.nanoTime(), false);
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    // guarded by lock
    private void receiverGone(ReceiverParty receiver, Throwable cause) {
        if (receiver.gone || receiver.done) {
            return;
        }
        receiver.gone = true;
        LOG.debug("{} receiver gone: {}", this, String.valueOf(cause));
        if (receiver.write == ReceiverParty.Write.QUEUED) {
            receiver.write = ReceiverParty.Write.NONE;
            receiver.view = null;
            pendingWrites--;
        }
        switch (state) {
            case WAITING -> {
                receivers.remove(receiver);
                receiver.ticket.release();
                if (sender == null && receivers.isEmpty()) {
                    end(PipeState.ABANDONED, null);
                }
            }
            case STREAMING -> {
                active--;
                SenderParty streaming = sender;
                Progress aborted = new Progress.ReceiverAborted(active);
                actions.add(() -> report(streaming, aborted));
                if (active == 0) {
                    actions.add(() -> report(streaming, new Progress.AllReceiversAborted()));
                    end(PipeState.FAILED, new PipeException(Reason.ALL_RECEIVERS_ABORTED,
                            "No receiver is left: the transfer was cut off.", cause));
                }
            }
            default -> {
                // terminal: nothing to do
            }
        }
    }

    // guarded by lock: a write finished (wrote) or was called off
    private void afterWrite(long now, boolean wrote) {
        if (pendingWrites > 0) {
            if (wrote && state == PipeState.STREAMING && heldSinceNanos < 0) {
                heldSinceNanos = now;
                armDropCheck(config.slowReceiver().dropAfter());
            }
            return;
        }
        heldSinceNanos = -1;
        if (release != null) {
            toRelease = release;
            release = null;
            actions.add(releaseAction);
        }
        if (state != PipeState.STREAMING) {
            return;
        }
        if (ending) {
            SenderParty streaming = sender;
            int received = active;
            Duration took = Duration.ofNanos(now - startNanos);
            actions.add(() -> report(streaming, new Progress.AllReceived()));
            actions.add(() -> report(streaming, new Progress.Summary(bytes(), received, took)));
            end(PipeState.COMPLETED, null);
            actions.add(() -> finished(streaming));
        } else if (!demanded) {
            demanded = true;
            actions.add(sender.demandAction);
        }
    }

    private void releaseChunk() {
        Completion done;
        synchronized (lock) {
            done = toRelease;
            toRelease = null;
        }
        if (done != null) {
            done.succeeded();
        }
    }

    // ---------------------------------------------------------------- timers

    private void expire() {
        synchronized (lock) {
            if (state != PipeState.WAITING) {
                return;
            }
            List<String> missing = new ArrayList<>(2);
            if (sender == null) {
                missing.add("the sender");
            }
            if (receivers.size() < expected) {
                missing.add((expected - receivers.size()) + " of " + expected + " receiver(s)");
            }
            end(PipeState.EXPIRED, new PipeException(Reason.RENDEZVOUS_EXPIRED,
                    "The pipe was not established within " + Durations.format(config.joinTimeout()) + ": "
                            + String.join(" and ", missing) + " did not come."));
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    private void checkIdle() {
        synchronized (lock) {
            if (state != PipeState.STREAMING) {
                return;
            }
            long idle = config.idleTimeout().toNanos();
            long quiet = scheduler.nanoTime() - lastProgressNanos;
            if (quiet < idle) {
                idleTimer = scheduler.schedule(this::checkIdle, Duration.ofNanos(idle - quiet));
                return;
            }
            end(PipeState.FAILED, new PipeException(Reason.IDLE_TIMEOUT, "Nothing moved for "
                    + Durations.format(config.idleTimeout()) + ": the transfer was closed."));
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    // guarded by lock
    private void armDropCheck(Duration limit) {
        if (limit == null || dropTimer != null) {
            return;
        }
        long due = heldSinceNanos + limit.toNanos() - scheduler.nanoTime();
        dropTimer = scheduler.schedule(this::checkDrop, Duration.ofNanos(Math.max(0, due)));
    }

    private void checkDrop() {
        synchronized (lock) {
            dropTimer = null;
            Duration limit = config.slowReceiver().dropAfter();
            if (state != PipeState.STREAMING || heldSinceNanos < 0) {
                return;
            }
            if (scheduler.nanoTime() - heldSinceNanos < limit.toNanos()) {
                armDropCheck(limit);
                return;
            }
            PipeException slow = new PipeException(Reason.RECEIVER_TOO_SLOW,
                    "This receiver took no bytes for " + Durations.format(limit) + " while the others waited.");
            SenderParty streaming = sender;
            for (ReceiverParty receiver : receivers) {
                if (!receiver.gone && !receiver.done && receiver.write != ReceiverParty.Write.NONE
                        && !completing(receiver)) {
                    receiver.gone = true;
                    dropped++;
                    active--;
                    if (receiver.write == ReceiverParty.Write.QUEUED) {
                        receiver.write = ReceiverParty.Write.NONE;
                        receiver.view = null;
                        pendingWrites--;
                    }
                    Progress notice = new Progress.ReceiverDropped(active, limit);
                    actions.add(() -> report(streaming, notice));
                    actions.add(() -> call(receiver, () -> receiver.port.abort(slow)));
                }
            }
            if (active == 0) {
                actions.add(() -> report(streaming, new Progress.AllReceiversAborted()));
                end(PipeState.FAILED, new PipeException(Reason.ALL_RECEIVERS_ABORTED,
                        "No receiver is left: the transfer was cut off."));
            }
            afterWrite(scheduler.nanoTime(), false);
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    private void tick() {
        synchronized (lock) {
            SenderParty current = sender;
            if (state == PipeState.WAITING && current != null) {
                Progress waiting = new Progress.StillWaiting(receivers.size(), expected);
                actions.add(() -> report(current, waiting));
                tickTimer = scheduler.schedule(this::tick, WAITING_NOTICE_INTERVAL);
            } else if (state == PipeState.STREAMING) {
                long now = scheduler.nanoTime();
                long elapsed = now - reportedNanos;
                if (bytes != reportedBytes || elapsed >= WAITING_NOTICE_INTERVAL.toNanos()) {
                    double rate = (bytes - reportedBytes) * 1e9 / Math.max(elapsed, 1);
                    Progress streaming = new Progress.Streaming(active, bytes, rate);
                    actions.add(() -> report(current, streaming));
                    reportedBytes = bytes;
                    reportedNanos = now;
                }
                tickTimer = scheduler.schedule(this::tick, STREAMING_NOTICE_INTERVAL);
            } else {
                return;
            }
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    // ---------------------------------------------------------------- the end

    /** Ends the pipe if it has no party (the one that made it was refused): it is forgotten at once. */
    void abandonIfEmpty() {
        synchronized (lock) {
            if (state != PipeState.WAITING || sender != null || !receivers.isEmpty()) {
                return;
            }
            end(PipeState.ABANDONED, null);
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    /** Fails the pipe because the registry is draining, if it is still waiting (a streaming pipe goes on). */
    void shutdownIfWaiting() {
        shutdown(true);
    }

    /** Fails the pipe because the registry is closing. */
    void shutdown() {
        shutdown(false);
    }

    private void shutdown(boolean onlyIfWaiting) {
        synchronized (lock) {
            if (state.isTerminal() || (onlyIfWaiting && state != PipeState.WAITING)) {
                return;
            }
            end(PipeState.FAILED, new PipeException(Reason.SHUTTING_DOWN, "The server is shutting down."));
            if (!claimDrain()) {
                return;
            }
        }
        drain();
    }

    // guarded by lock: moves to a terminal state and queues what the parties must be told
    private void end(PipeState terminal, PipeException failure) {
        PipeState from = state;
        state = terminal;
        releaseTickets();
        joinTimer.cancel();
        tickTimer.cancel();
        idleTimer.cancel();
        if (dropTimer != null) {
            dropTimer.cancel();
            dropTimer = null;
        }
        // first of all, make the path free again
        actions.addFirst(() -> forget.accept(this));
        if (failure != null) {
            for (ReceiverParty receiver : receivers) {
                if (!receiver.gone && !receiver.done && !completing(receiver)) {
                    receiver.gone = true;
                    if (receiver.write == ReceiverParty.Write.QUEUED) {
                        receiver.write = ReceiverParty.Write.NONE;
                        receiver.view = null;
                        pendingWrites--;
                    }
                    actions.add(() -> call(receiver, () -> receiver.port.abort(failure)));
                }
            }
            SenderParty current = sender;
            if (current != null) {
                actions.add(() -> fail(current, failure));
            }
            if (pendingWrites == 0 && release != null) {
                toRelease = release;
                release = null;
                actions.add(releaseAction);
            }
        }
        String summary = toString();
        long took = from == PipeState.STREAMING ? scheduler.nanoTime() - startNanos : 0;
        actions.add(() -> logEnd(terminal, from, summary, took, failure));
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

    // guarded by lock: its complete() is under way (once ending, every issued write is a complete(): onEnd needs a
    // demand, and a demand needs every chunk write finished), so it has every byte and its outcome is decided. A port
    // sees exactly one of complete() or abort() (ReceiverPort): it must not be aborted as well.
    private boolean completing(ReceiverParty receiver) {
        return ending && receiver.write == ReceiverParty.Write.ISSUED;
    }

    private void logEnd(PipeState terminal, PipeState from, String summary, long tookNanos, PipeException failure) {
        if (terminal == PipeState.ABANDONED) {
            LOG.debug("{} abandoned", summary);
        } else if (from == PipeState.STREAMING) {
            LOG.info("pipe {} {}: {} receiver(s), {} bytes in {} ms{}", key, terminal, expected, bytes(),
                    tookNanos / 1_000_000, failure == null ? "" : " (" + failure.reason() + ")");
        } else {
            LOG.info("pipe {} {}: {}", key, terminal, failure == null ? "" : failure.getMessage());
        }
    }

    private long bytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    // ---------------------------------------------------------------- running actions

    // guarded by lock: true when the caller must drain
    private boolean claimDrain() {
        if (draining || actions.isEmpty()) {
            return false;
        }
        draining = true;
        return true;
    }

    private void drain() {
        for (;;) {
            Runnable action;
            synchronized (lock) {
                action = actions.poll();
                if (action == null) {
                    draining = false;
                    return;
                }
            }
            boolean ran = false;
            try {
                action.run();
                ran = true;
            } catch (RuntimeException bug) {
                ran = true;
                LOG.error("{} action failed", this, bug);
            } finally {
                if (!ran) {
                    synchronized (lock) {
                        draining = false;
                    }
                }
            }
        }
    }

    private void report(SenderParty party, Progress progress) {
        try {
            party.port.report(progress);
        } catch (RuntimeException x) {
            onSenderGone(party, x);
        }
    }

    private void finished(SenderParty party) {
        try {
            party.port.finished();
        } catch (RuntimeException x) {
            LOG.debug("{} sender port failed on finish", this, x);
        }
    }

    private void fail(SenderParty party, PipeException failure) {
        try {
            party.port.failed(failure);
        } catch (RuntimeException x) {
            LOG.debug("{} sender port failed on failure", this, x);
        }
    }

    private void call(ReceiverParty receiver, Runnable portCall) {
        try {
            portCall.run();
        } catch (RuntimeException x) {
            onReceiverGone(receiver, x);
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            int connected = state == PipeState.STREAMING ? active : receivers.size();
            return "Pipe[" + state + " key=" + key + " rx=" + connected + "/" + expected
                    + (sender == null ? " no-sender" : "") + (dropped > 0 ? " dropped=" + dropped : "")
                    + " bytes=" + bytes + "]";
        }
    }
}
