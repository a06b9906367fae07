package dev.pipe.core;

import java.nio.ByteBuffer;

/** The sender of a {@link Pipe}: the handle the adapter holds. State lives in the pipe, under its lock. */
final class SenderParty implements Sender {

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
    public void onError(Throwable cause) {
        pipe.onSenderGone(this, cause);
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
