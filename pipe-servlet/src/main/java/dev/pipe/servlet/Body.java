package dev.pipe.servlet;

import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A sender's request body as the sender's state machine reads it: what has arrived goes into buffers the body owns,
 * and the payload found in it is lent to the pipe a chunk at a time. {@link PlainBody} reads a whole body as the
 * payload; {@link FormBody} picks the first file out of an HTML form.
 *
 * <p>Threads: used by the sender's {@link StepLoop} only (one thread at a time), so it takes no lock. The chunk lent
 * is the pipe's from {@link #lend()} until the sender passes its release on to {@link #released()}. Never blocks.
 */
interface Body {

    /** What a {@link #fill()} did. */
    enum Fill {
        /** Bytes were read or decoded: fill again. */
        PROGRESS,
        /** Nothing has arrived: the container calls the read listener when something does. */
        NOT_READY,
        /** As much is read ahead as the body may hold now: more once a chunk is lent or the pipe streams. */
        FULL,
        /** The request body is all read (a form's payload may still be in it, undecoded or not yet lent). */
        END
    }

    /** Reads (and decodes) what has arrived, a step at a time. */
    Fill fill() throws IOException;

    /** True when what the pipe's receivers are to be told is known (a form: once its file's headers are in). */
    boolean headersKnown();

    /** The form the payload comes from, or null for a plain body. */
    MultipartDecoder form();

    /** True when payload bytes are read and not yet lent. */
    boolean hasChunk();

    /** True when every payload byte has been read: once none {@link #hasChunk()}, the stream is at its end. */
    boolean payloadEnded();

    /** The payload read so far, as a direct chunk the pipe holds until {@link #released()}. */
    ByteBuffer lend() throws IOException;

    /** True while the pipe holds a chunk lent. */
    boolean isLent();

    /** The pipe gave back the chunk lent. Once {@link #close()}d, it goes back to the pool. */
    void released();

    /** The pipe is established: read a chunk ahead from now on, not only what is read while it waits. */
    void stream() throws IOException;

    /**
     * When the read-ahead is {@link Fill#FULL} while the pipe waits: true (and the body is all read) when its end is
     * all that is left to read, so that a body exactly the read-ahead's size is treated as one that is all in.
     */
    boolean endsHere() throws IOException;

    /**
     * True when the body has been read to its end. Jetty then lets a read return -1; Tomcat answers {@code isReady()}
     * with false for good (and calls {@code onAllDataRead}), so the end is asked for before any read.
     */
    static boolean finished(ServletInputStream in) {
        try {
            return in.isFinished();
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    /**
     * Reads what has arrived into {@code scratch} and forgets it (the plain read: the bytes go nowhere): bytes read, 0
     * when nothing has arrived (the read callback will come), -1 at the end of the body.
     */
    static int forget(ServletInputStream in, byte[] scratch) throws IOException {
        if (finished(in)) {
            return -1;
        }
        if (!ready(in)) {
            return 0;
        }
        return in.read(scratch, 0, scratch.length);
    }

    /** Nothing more is read: pooled buffers go back now, the chunk lent once it is released. */
    void close();

    /**
     * After {@link #close()}: reads what has arrived and forgets it (a failed transfer's rest, so that the connection
     * is not reset with it unread). Bytes read, 0 when nothing has arrived (the read callback will come), -1 at the
     * end of the body.
     */
    int drain() throws IOException;

    /**
     * True when a read may go ahead now; false when the read callback is to come first. The pipe asks for the next
     * chunk from any thread (a receiver's write completing, a timer), so {@code isReady()} is called off the read
     * callbacks too, as the servlet API allows. Jetty then throws IllegalStateException when bytes arrived after an
     * earlier {@code isReady()} said no and were read before its callback ran: the callback is still coming, so this
     * is a "not yet" (seen under churn, ReadCallbackHttpTest; stepped in SteppedServletTest). Waiting for the
     * callback instead of asking again was tried: Jetty then sometimes never called back, and the transfer stalled.
     */
    static boolean ready(ServletInputStream in) {
        try {
            return in.isReady();
        } catch (IllegalStateException callbackPending) {
            return false;
        }
    }
}
