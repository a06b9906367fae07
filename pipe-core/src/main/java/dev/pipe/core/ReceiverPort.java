package dev.pipe.core;

import java.nio.ByteBuffer;

/**
 * What the core asks of a receiver's side of a transport (the adapter implements it).
 *
 * <p>The same threading rules as {@link SenderPort} apply. In order, a receiver sees: {@link #begin} once the pipe
 * is established, then {@link #write} any number of times with at most one outstanding, then exactly one of
 * {@link #complete} or {@link #abort}; or only {@link #abort} when the pipe never got established.
 */
public interface ReceiverPort {

    /**
     * The pipe is established; {@code info} is what the sender said about its stream.
     *
     * @param info the sender's length and metadata, to forward to the client as the adapter sees fit
     */
    void begin(TransferInfo info);

    /**
     * Writes the bytes between {@code chunk}'s position and limit, then completes {@code done}.
     *
     * <p>{@code chunk} is a view of a buffer that the sender's adapter owns and every receiver shares. Treat it as
     * read-only, and do not keep it after completing {@code done}: the bytes change when the sender reads again.
     *
     * @param chunk the bytes to write, shared and read-only
     * @param done  to complete exactly once, when the bytes are written or the write failed
     */
    void write(ByteBuffer chunk, Completion done);

    /**
     * The stream ended and every byte was written: end the response normally, then complete {@code done}.
     *
     * @param done to complete exactly once, when the response is ended or ending it failed
     */
    void complete(Completion done);

    /**
     * The transfer failed or this receiver is dropped. Before {@link #begin}: answer with an error that says
     * {@code reason}. After it: cut the response off so that the client can tell it is incomplete. A write still
     * outstanding must still be completed (failed, usually) so that the chunk can be released.
     *
     * @param reason why; its message is written for the person receiving
     */
    void abort(PipeException reason);
}
