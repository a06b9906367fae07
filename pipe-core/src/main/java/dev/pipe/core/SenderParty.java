package dev.pipe.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sender of a {@link Pipe}: the handle the adapter holds. State lives in the pipe, under its lock. */
final class SenderParty implements Sender {

    private static final Logger LOG = LoggerFactory.getLogger(SenderParty.class);

    final Pipe pipe;
    final SenderPort port;
    final TransferInfo info;
    final String client;                 // who it is, for the count of waiting parties per client; null: not counted

    // guarded by pipe.lock
    boolean gone;
    WaitingCounts.Ticket ticket = WaitingCounts.Ticket.NONE;   // given back once it no longer waits

    final Runnable demandAction = this::demand;

    SenderParty(Pipe pipe, SenderPort port, TransferInfo info, String client) {
        this.pipe = pipe;
        this.port = port;
        this.info = info;
        this.client = client;
    }

    @Override
    public void onChunk(ByteBuffer chunk, Completion release) {
        pipe.onChunk(this, chunk, release);
    }

    @Override
    public void onEnd() {
        pipe.onEnd(this);
    }

    @Override
    public void keepAlive(Duration every) {
        pipe.keepAlive(this, every);
    }

    @Override
    public void onError(Throwable cause) {
        pipe.onSenderGone(this, cause);
    }

    // ---------------------------------------------------------------- port calls, run by the pipe's queue

    void report(Progress progress) {
        try {
            port.report(progress);
        } catch (RuntimeException x) {
            pipe.onSenderGone(this, x);
        }
    }

    void finished() {
        try {
            port.finished();
        } catch (RuntimeException x) {
            LOG.debug("sender port failed on finish", x);
        }
    }

    void fail(PipeException failure) {
        try {
            port.failed(failure);
        } catch (RuntimeException x) {
            LOG.debug("sender port failed on failure", x);
        }
    }

    private void demand() {
        try {
            port.demand();
        } catch (RuntimeException x) {
            pipe.onSenderGone(this, x);
        }
    }

    @Override
    public String toString() {
        return "Sender[" + (gone ? "gone" : "here") + "]";
    }
}
