package dev.pipe.core;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The sender as the core sees it: the adapter feeds it the stream, one chunk per {@link SenderPort#demand()}.
 */
public interface Sender {

    /**
     * Answers a demand with the bytes between {@code chunk}'s position and limit. The adapter lends the buffer: it
     * must not touch it until the core completes {@code release}, which it does exactly once, after every receiver
     * has written it or gone.
     *
     * @param chunk   the bytes between its position and limit; lent to the core until {@code release} completes
     * @param release completed by the core exactly once, when the adapter may use the buffer again
     * @throws IllegalStateException when there was no demand (a bug in the adapter)
     */
    void onChunk(ByteBuffer chunk, Completion release);

    /** Answers a demand: the stream ended normally. */
    void onEnd();

    /**
     * While the pipe waits, tell the sender who is still missing at least every {@code every} (a
     * {@link Progress.StillWaiting} line; 20 s when this is never called, and never more often than once a second).
     * For a transport that notices a departed client only when it writes to it: an adapter that has stopped reading a
     * waiting sender's body (it holds as much as it may) learns from the next line's write that the client left, and
     * the pipe's path is free again.
     *
     * @param every the longest time between two lines while the pipe waits
     */
    void keepAlive(Duration every);

    /**
     * The sender went away or its stream broke, at any time. Calls after the first do nothing. A streaming pipe fails
     * as {@link PipeException.Reason#SENDER_ABORTED}, or as {@link PipeException.Reason#OUT_OF_MEMORY} when an
     * {@link OutOfMemoryError} is among the causes (the adapter found no buffer to read the sender's bytes into).
     *
     * @param cause why, as the adapter saw it (a closed connection, a failed read, no memory for a buffer)
     */
    void onError(Throwable cause);
}
