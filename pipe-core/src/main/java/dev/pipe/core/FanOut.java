package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.PipeTimers.Kind;
import dev.pipe.core.text.Durations;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * The streaming half of a {@link Pipe}: one chunk at a time from the sender to every receiver still there, the
 * chunk released exactly once when the last of them has written it (or gone), then the next one asked for; and the
 * checks that only a streaming pipe makes (the idle timeout, a slow receiver, the sender's rate line).
 *
 * <pre>
 *                 onChunk (bytes)                 the last write done or called off
 *   DEMANDED ─────────────────────▶ WRITING ────────────────────────────────────▶ DEMANDED
 *     │    ▲                                  (release the chunk, ask for the next)
 *     │    └─── onChunk (empty): released at once, asked again
 *     │ onEnd
 *     ▼            the last complete() done or called off
 *   ENDING ──────────────────────────────────────────────────▶ ENDED (the pipe COMPLETED; its sender is told
 *                                                                  a failure if any receiver left on the way)
 *
 *   any ──── the pipe failed (sender or every receiver gone, idle, shutdown) ────▶ ENDED
 * </pre>
 *
 * <p>The path is given back ({@code pathFree}) when the stream has ended: with the chunk that completes a length the
 * sender announced, or on {@code onEnd}; in both cases queued before the writes or completes that could let a receiver
 * see its response end, so that a receiver coming back for the next transfer finds the path free.
 *
 * <p>A write a port has started ({@link ReceiverParty.Write#ISSUED}) is counted in {@code pendingWrites} until the
 * port completes it, even when its receiver is gone or the pipe has failed, so that no port still reads a buffer
 * the sender has been given back; in {@code ENDED} the chunk is released when that count reaches zero. A write only
 * queued ({@code QUEUED}) is called off at once, in one place ({@link #callOff}).
 *
 * <p>The hot path allocates nothing: each receiver writes from its own reusable view of the chunk, and the write,
 * release and demand actions are fields.
 *
 * <p>Threads and locks: the pipe's lock guards every field. Methods are called by the {@link Pipe} with the lock
 * held, except the timer tasks ({@link #checkIdle}, {@link #checkDrop}, {@link #tick}), which take it; port calls
 * are queued on the pipe's {@link SerialQueue} and run after the lock is released.
 */
final class FanOut {

    static final Duration STREAMING_NOTICE_INTERVAL = Duration.ofSeconds(5);
    static final Duration QUIET_NOTICE_INTERVAL = Duration.ofSeconds(20);

    /** Where the stream stands between the sender's chunks. */
    enum Flow { DEMANDED, WRITING, ENDING, ENDED }

    /** How the fan-out ends its pipe; with the lock held. */
    @FunctionalInterface
    interface Ending {
        void end(PipeState terminal, PipeException failure);
    }

    private final Object lock;
    private final PipeConfig config;
    private final PipeTimers timers;
    private final SerialQueue queue;
    private final Ending ending;
    private final Runnable pathFree;   // queued when the stream has ended: by its length, or by the sender's end
    private final Moved.Report report;
    private final Duration waited;     // before it streamed, from the pipe's first party
    private final SenderParty sender;
    private final List<ReceiverParty> receivers;
    private final Runnable releaseAction = this::release;
    private final Runnable checkIdle = this::checkIdle;
    private final Runnable checkDrop = this::checkDrop;
    private final Runnable tick = this::tick;
    private final long startNanos;

    // guarded by lock
    private Flow flow = Flow.DEMANDED;
    private Completion inFlight;   // the chunk lent by the sender, until released
    private Completion toRelease;  // handed to releaseAction
    private int pendingWrites;
    private int active;            // receivers neither gone nor done
    private final Losses losses = new Losses();
    private final Moved moved = new Moved();
    private long lastProgressNanos;
    private long heldSinceNanos = -1;  // when the first receiver finished the chunk in flight while others had not
    private long reportedBytes;
    private long reportedNanos;

    /** Starts streaming, with the lock held: every receiver begins, the sender is asked for its first chunk. */
    FanOut(Object lock, PipeConfig config, PipeTimers timers, SerialQueue queue, Ending ending, Runnable pathFree,
           SenderParty sender, List<ReceiverParty> receivers, Duration waited, Moved.Report report) {
        this.report = report;
        this.waited = waited;
        this.lock = lock;
        this.config = config;
        this.timers = timers;
        this.queue = queue;
        this.ending = ending;
        this.pathFree = pathFree;
        this.sender = sender;
        this.receivers = receivers;
        long now = timers.nanoTime();
        startNanos = now;
        lastProgressNanos = now;
        reportedNanos = now;
        active = receivers.size();
        TransferInfo info = sender.info;
        Progress started = new Progress.Started(receivers.size());
        queue.add(() -> sender.report(started));
        for (ReceiverParty receiver : receivers) {
            queue.add(() -> receiver.begin(info));
        }
        queue.add(sender.demandAction);
        timers.arm(Kind.TICK, tick, STREAMING_NOTICE_INTERVAL);
        timers.arm(Kind.IDLE, checkIdle, config.idleTimeout());
    }

    /** The sender answers a demand with a chunk. */
    void onChunk(ByteBuffer chunk, Completion release) {
        if (flow == Flow.ENDED) {
            releaseLater(release);
            return;
        }
        expect(Flow.DEMANDED, "onChunk");
        int length = chunk.remaining();
        if (length == 0) {
            releaseLater(release);
            queue.add(sender.demandAction);
            return;
        }
        flow = Flow.WRITING;
        inFlight = release;
        moved.sent += length;
        lastProgressNanos = timers.nanoTime();
        heldSinceNanos = -1;
        if (moved.sent == sender.info.contentLength()) {
            // the last bytes of a known length: the path is free before any receiver can have them all
            queue.add(pathFree);
        }
        for (ReceiverParty receiver : receivers) {
            if (receiver.isActive()) {
                receiver.queueWrite(receiver.viewOf(chunk));
                pendingWrites++;
                queue.add(receiver.writeAction);
            }
        }
    }

    /** The sender answers a demand with the end of its stream: every receiver is completed. */
    void onEnd() {
        if (flow == Flow.ENDED) {
            return;
        }
        expect(Flow.DEMANDED, "onEnd");
        flow = Flow.ENDING;
        queue.add(pathFree); // before any receiver is completed (once more when the length freed it already)
        queue.add(() -> sender.report(new Progress.Sent()));
        for (ReceiverParty receiver : receivers) {
            if (receiver.isActive()) {
                receiver.queueWrite(null);
                pendingWrites++;
                queue.add(receiver.writeAction);
            }
        }
    }

    private void expect(Flow expected, String call) {
        if (flow != expected) {
            throw new IllegalStateException(call + " without demand: " + flow);
        }
    }

    /** The stream has ended: every byte is on its way, and the sender may leave. */
    boolean isEnding() {
        return flow == Flow.ENDING;
    }

    /** A receiver's write (or complete) is done. */
    void written(ReceiverParty receiver) {
        long now = timers.nanoTime();
        pendingWrites--;
        moved.delivered += receiver.issuedBytes;
        lastProgressNanos = now;
        if (flow == Flow.ENDING && receiver.isActive()) {
            receiver.done = true;
        }
        // a write that lands after its receiver left does not start the slow-receiver clock
        afterWrite(now, !receiver.gone);
    }

    /** A receiver left, or its write failed ({@code issuedWriteFailed}: that write counts no longer). */
    void gone(ReceiverParty receiver, boolean issuedWriteFailed, Throwable cause) {
        if (issuedWriteFailed) {
            pendingWrites--;
        }
        if (receiver.isActive() && flow != Flow.ENDED) {
            receiver.gone = true;
            callOff(receiver);
            active--;
            losses.left(moved.sent);
            Progress aborted = new Progress.ReceiverAborted(active);
            queue.add(() -> sender.report(aborted));
            if (active == 0) {
                allGone(cause);
            }
        }
        afterWrite(timers.nanoTime(), false);
    }

    // a write queued and not yet issued is called off: its receiver is gone
    private void callOff(ReceiverParty receiver) {
        if (receiver.callOffQueuedWrite()) {
            pendingWrites--;
        }
    }

    private void allGone(Throwable cause) {
        queue.add(() -> sender.report(new Progress.AllReceiversAborted()));
        ending.end(PipeState.FAILED, new PipeException(Reason.ALL_RECEIVERS_ABORTED,
                "No receiver is left: the transfer was cut off.", cause));
    }

    // a write finished (wrote) or was called off
    private void afterWrite(long now, boolean wrote) {
        if (pendingWrites > 0) {
            if (wrote && flow == Flow.WRITING && heldSinceNanos < 0) {
                heldSinceNanos = now;
                armDropCheck();
            }
            return;
        }
        heldSinceNanos = -1;
        if (inFlight != null) {
            releaseLater(inFlight);
            inFlight = null;
        }
        switch (flow) {
            case WRITING -> {
                flow = Flow.DEMANDED;
                queue.add(sender.demandAction);
            }
            case ENDING -> {
                int received = active;
                Duration took = took();
                long total = moved.sent;
                if (losses.none()) {
                    queue.add(() -> sender.report(new Progress.AllReceived()));
                    queue.add(() -> sender.report(new Progress.Summary(total, received, took)));
                    ending.end(PipeState.COMPLETED, null);
                    queue.add(sender::finished);
                } else {
                    // the receivers that stayed are complete; the sender is told that not everyone is
                    queue.add(() -> sender.report(new Progress.Summary(total, received, took)));
                    ending.end(PipeState.COMPLETED, losses.failure(receivers.size()));
                }
            }
            case DEMANDED, ENDED -> {
                // nothing in flight
            }
        }
    }

    /**
     * The pipe ended ({@code failure} null: completed). On a failure every receiver still writing is aborted, except
     * one whose final complete() is under way (a port sees exactly one of complete() or abort()), and the chunk is
     * released once no port reads it.
     */
    void stop(PipeException failure) {
        if (failure != null) {
            for (ReceiverParty receiver : receivers) {
                if (receiver.isActive() && !completing(receiver)) {
                    receiver.gone = true;
                    callOff(receiver);
                    queue.add(() -> receiver.abort(failure));
                }
            }
        }
        flow = Flow.ENDED;
        if (pendingWrites == 0 && inFlight != null) {
            releaseLater(inFlight);
            inFlight = null;
        }
    }

    // its complete() is under way (once ending, every issued write is a complete(): onEnd needs a demand, and a demand
    // needs every chunk write finished), so it has every byte and its outcome is decided
    private boolean completing(ReceiverParty receiver) {
        return flow == Flow.ENDING && receiver.write == ReceiverParty.Write.ISSUED;
    }

    private void releaseLater(Completion release) {
        toRelease = release;
        queue.add(releaseAction);
    }

    private void release() {
        Completion done;
        synchronized (lock) {
            done = toRelease;
            toRelease = null;
        }
        if (done != null) {
            done.succeeded();
        }
    }

    // ---------------------------------------------------------------- the checks of a streaming pipe

    private void checkIdle() {
        synchronized (lock) {
            timers.fired(Kind.IDLE);
            if (flow == Flow.ENDED) {
                return;
            }
            long idle = config.idleTimeout().toNanos();
            long quiet = timers.nanoTime() - lastProgressNanos;
            if (quiet < idle) {
                timers.arm(Kind.IDLE, checkIdle, Duration.ofNanos(idle - quiet));
                return;
            }
            ending.end(PipeState.FAILED, new PipeException(Reason.IDLE_TIMEOUT, "Nothing moved for "
                    + Durations.format(config.idleTimeout()) + ": the transfer was closed."));
        }
        queue.run();
    }

    private void armDropCheck() {
        Duration limit = config.slowReceiver().dropAfter();
        if (limit == null || timers.isArmed(Kind.DROP)) {
            return;
        }
        long due = heldSinceNanos + limit.toNanos() - timers.nanoTime();
        timers.arm(Kind.DROP, checkDrop, Duration.ofNanos(Math.max(0, due)));
    }

    private void checkDrop() {
        synchronized (lock) {
            timers.fired(Kind.DROP);
            Duration limit = config.slowReceiver().dropAfter();
            if (flow != Flow.WRITING || heldSinceNanos < 0) {
                return;
            }
            if (timers.nanoTime() - heldSinceNanos < limit.toNanos()) {
                armDropCheck();
                return;
            }
            PipeException slow = new PipeException(Reason.RECEIVER_TOO_SLOW,
                    "This receiver took no bytes for " + Durations.format(limit) + " while the others waited.");
            for (ReceiverParty receiver : receivers) {
                if (receiver.isActive() && receiver.write != ReceiverParty.Write.NONE) {
                    receiver.gone = true;
                    active--;
                    losses.dropped(moved.sent);
                    callOff(receiver);
                    Progress notice = new Progress.ReceiverDropped(active, limit);
                    queue.add(() -> sender.report(notice));
                    queue.add(() -> receiver.abort(slow));
                }
            }
            if (active == 0) {
                allGone(null);
            }
            afterWrite(timers.nanoTime(), false);
        }
        queue.run();
    }

    private void tick() {
        synchronized (lock) {
            timers.fired(Kind.TICK);
            if (flow == Flow.ENDED) {
                return;
            }
            long now = timers.nanoTime();
            long elapsed = now - reportedNanos;
            long bytes = moved.sent;
            if (bytes != reportedBytes || elapsed >= QUIET_NOTICE_INTERVAL.toNanos()) {
                double rate = (bytes - reportedBytes) * 1e9 / Math.max(elapsed, 1);
                Progress streaming = new Progress.Streaming(active, bytes, rate);
                queue.add(() -> sender.report(streaming));
                reportedBytes = bytes;
                reportedNanos = now;
            }
            moved.tell(report);
            timers.arm(Kind.TICK, tick, STREAMING_NOTICE_INTERVAL);
        }
        queue.run();
    }

    // ---------------------------------------------------------------- figures

    /** How the pipe ended, for its observers, once they are told of the last bytes moved. */
    TransferSummary summary(PipeKey key, PipeState terminal, PipeException failure) {
        moved.tell(report);
        return new TransferSummary(key, receivers.size(), TransferSummary.Outcome.of(terminal, failure), terminal,
                moved.sent, moved.delivered, losses.dropped(), losses.left(), waited, took(), failure);
    }

    /** Its figures for the pipe's {@code toString}: the receivers still there, those dropped, the bytes sent. */
    String figures(int expected) {
        int dropped = losses.dropped();
        return " rx=" + active + "/" + expected + (dropped > 0 ? " dropped=" + dropped : "") + " bytes=" + moved.sent;
    }

    Duration took() {
        return Duration.ofNanos(timers.nanoTime() - startNanos);
    }
}
