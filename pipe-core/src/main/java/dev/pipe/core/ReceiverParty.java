package dev.pipe.core;

import java.nio.ByteBuffer;

/**
 * One receiver of a {@link Pipe}: the handle the adapter holds, and the pipe's book-keeping for it. Every field
 * is guarded by the pipe's lock. The write action and completion are allocated once, not per chunk: a receiver
 * has at most one write outstanding.
 */
final class ReceiverParty implements Receiver {

    /** Where this receiver's current write stands. */
    enum Write { NONE, QUEUED, ISSUED }

    final Pipe pipe;
    final ReceiverPort port;
    final String client;                 // who it is, for the count of waiting parties per client; null: not counted

    // guarded by pipe.lock
    boolean gone;
    WaitingCounts.Ticket ticket = WaitingCounts.Ticket.NONE;   // given back once it no longer waits
    boolean done;
    Write write = Write.NONE;
    ByteBuffer view;          // the chunk to write; null for the final complete()
    int issuedBytes;          // the length of the write issued last (0 for complete()), counted once it succeeds
    private ByteBuffer reusable;   // a duplicate of `reusableOf`, reset for each chunk lent in that buffer
    private ByteBuffer reusableOf;

    final Runnable writeAction = this::issueWrite;
    final Completion writeDone = new Completion() {
        @Override
        public void succeeded() {
            pipe.onWriteSucceeded(ReceiverParty.this);
        }

        @Override
        public void failed(Throwable cause) {
            pipe.onWriteFailed(ReceiverParty.this, cause);
        }
    };

    ReceiverParty(Pipe pipe, ReceiverPort port, String client) {
        this.pipe = pipe;
        this.client = client;
        this.port = port;
    }

    /**
     * This receiver's view of {@code chunk}: its own position and limit over the same bytes. The view of the buffer
     * before is reused when the sender lends the same buffer again, which is safe because a chunk is lent only once
     * every write of the one before has completed. Under pipe.lock.
     */
    ByteBuffer viewOf(ByteBuffer chunk) {
        ByteBuffer view = reusable;
        if (reusableOf != chunk) {
            view = chunk.duplicate();
            reusable = view;
            reusableOf = chunk;
        } else {
            view.limit(chunk.limit()).position(chunk.position());
        }
        return view;
    }

    /** Neither gone nor done: it still takes writes. */
    boolean isActive() {
        return !gone && !done;
    }

    /** Queues a write of {@code chunk} (null: the final complete()). */
    void queueWrite(ByteBuffer chunk) {
        view = chunk;
        write = Write.QUEUED;
    }

    /** Calls off a write queued and not issued; true when there was one. */
    boolean callOffQueuedWrite() {
        if (write != Write.QUEUED) {
            return false;
        }
        write = Write.NONE;
        view = null;
        return true;
    }

    /** The write the port was given has completed; false when there was none (a late or second completion). */
    boolean finishIssuedWrite() {
        if (write != Write.ISSUED) {
            return false;
        }
        write = Write.NONE;
        return true;
    }

    /** The write to issue now: the chunk, null to complete, or {@link Pipe#SKIP} when it was called off. */
    ByteBuffer issue() {
        if (write != Write.QUEUED) {
            return Pipe.SKIP;
        }
        write = Write.ISSUED;
        ByteBuffer chunk = view;
        view = null;
        issuedBytes = chunk == null ? 0 : chunk.remaining();
        return chunk;
    }

    // ---------------------------------------------------------------- port calls, run by the pipe's queue

    void begin(TransferInfo info) {
        try {
            port.begin(info);
        } catch (RuntimeException x) {
            pipe.onReceiverGone(this, x);
        }
    }

    void abort(PipeException failure) {
        try {
            port.abort(failure);
        } catch (RuntimeException x) {
            pipe.onReceiverGone(this, x);
        }
    }

    @Override
    public void onDisconnect(Throwable cause) {
        pipe.onReceiverGone(this, cause);
    }

    private void issueWrite() {
        ByteBuffer chunk = pipe.takeWrite(this);
        if (chunk == Pipe.SKIP) {
            return;
        }
        try {
            if (chunk == null) {
                port.complete(writeDone);
            } else {
                port.write(chunk, writeDone);
            }
        } catch (RuntimeException x) {
            writeDone.failed(x);
        }
    }

    @Override
    public String toString() {
        return "Receiver[" + (gone ? "gone" : done ? "done" : write) + "]";
    }
}
