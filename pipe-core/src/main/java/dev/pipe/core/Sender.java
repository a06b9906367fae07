package dev.pipe.core;

import java.nio.ByteBuffer;

/**
 * The sender as the core sees it: the adapter feeds it the stream, one chunk per {@link SenderPort#demand()}.
 */
public interface Sender {

    /**
     * Answers a demand with the bytes between {@code chunk}'s position and limit. The adapter lends the buffer: it
     * must not touch it until the core completes {@code release}, which it does exactly once, after every receiver
     * has written it or gone.
     *
     * @throws IllegalStateException when there was no demand (a bug in the adapter)
     */
    void onChunk(ByteBuffer chunk, Completion release);

    /** Answers a demand: the stream ended normally. */
    void onEnd();

    /** The sender went away or its stream broke, at any time. Calls after the first do nothing. */
    void onError(Throwable cause);
}
