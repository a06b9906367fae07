package dev.pipe.core;

/**
 * What the core asks of the sender's side of a transport (the adapter implements it).
 *
 * <p>The core never calls a port while holding a lock, and never calls the ports of one pipe from two threads
 * at once; calls may come from any thread, including the one that is inside a call into the core, and may
 * begin before {@link PipeRegistry#attachSender} has returned. Methods must not block. A method that throws
 * fails the sender, as if it had gone away.
 */
public interface SenderPort {

    /**
     * Something happened that the person sending should see: one line of progress.
     *
     * @param progress the event; {@link Progress#message()} is its line
     */
    void report(Progress progress);

    /**
     * Asks for the next piece of the stream. Answer exactly once, on any thread, with
     * {@link Sender#onChunk}, {@link Sender#onEnd} or {@link Sender#onError}. Demand comes only after the pipe is
     * established and the previous chunk was released, so there is never more than one chunk in flight.
     */
    void demand();

    /** Every receiver has every byte; nothing more will be asked. Close the exchange normally. */
    void finished();

    /**
     * The transfer failed, never started, or ended without reaching every receiver it was for
     * ({@link PipeException.Reason#RECEIVERS_LOST}); nothing more will be asked. Say why, then end the exchange so
     * that the client sees a failure, not a clean end.
     *
     * @param failure why; its message is written for the person sending
     */
    void failed(PipeException failure);
}
