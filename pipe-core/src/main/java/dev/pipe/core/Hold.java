package dev.pipe.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A place held on the server for a party that is not on a pipe yet (a form's sender, reading up to its file's
 * headers, which its receivers are to get): it counts as a pipe toward {@link PipeConfig#maxPipes()} and as a waiting
 * party of its client toward {@link PipeConfig#maxWaitingPerClient()}, and it expires with the join window
 * ({@link PipeRegistry#hold}). Release it before the party joins its pipe; whoever releases it first (the party, or
 * the expiry) wins. Thread-safe.
 */
public final class Hold implements AutoCloseable {

    private final WaitingCounts.Ticket ticket;
    private final Runnable givenBack;   // the registry's count of places goes down
    private final AtomicBoolean held = new AtomicBoolean(true);
    private volatile Cancellable expiry = Cancellable.NONE;

    Hold(WaitingCounts.Ticket ticket, Runnable givenBack) {
        this.ticket = ticket;
        this.givenBack = givenBack;
    }

    /** The timer that expires this hold, cancelled when it is released first. */
    void expireBy(Cancellable timer) {
        this.expiry = timer;
    }

    /**
     * Gives the place back; true for the call that did, false when it was given back already (or expired).
     *
     * @return true when this call gave the place back
     */
    public boolean release() {
        if (!held.compareAndSet(true, false)) {
            return false;
        }
        expiry.cancel();
        ticket.release();
        givenBack.run();
        return true;
    }

    @Override
    public void close() {
        release();
    }
}
