package dev.pipe.core;

import java.util.Objects;

/**
 * Why a party could not join a pipe, or why a transfer ended badly. The message is one line written for
 * the person at the other end of the connection (without the {@code [ERROR]} prefix, which the adapter adds).
 *
 * <p>It is thrown only synchronously, to the caller of {@link PipeRegistry} that asked to join; every
 * later outcome reaches a party through its port ({@link SenderPort#failed}, {@link ReceiverPort#abort}).
 */
public final class PipeException extends Exception {

    /** What went wrong, independent of any transport. Adapters map each reason to their own status. */
    public enum Reason {
        /** The path is empty or otherwise not a pipe name. */
        INVALID_KEY,
        /** The path is longer than {@link PipeConfig#maxPathBytes()}. */
        KEY_TOO_LONG,
        /** The number of receivers is not an integer from 1 to {@link PipeConfig#maxReceivers()}. */
        INVALID_RECEIVERS,
        /** The party's number of receivers differs from the pipe's. */
        RECEIVERS_MISMATCH,
        /** A sender is already waiting on the pipe. */
        SENDER_CONFLICT,
        /** Every receiver slot of the waiting pipe is taken. */
        RECEIVERS_FULL,
        /** The pipe is streaming; the path is free again when it ends. */
        ALREADY_ESTABLISHED,
        /** The pipe was not established within the join window. */
        RENDEZVOUS_EXPIRED,
        /** Nothing moved on an established pipe for the idle timeout. */
        IDLE_TIMEOUT,
        /** The sender went away before the end of its stream. */
        SENDER_ABORTED,
        /**
         * The server found no memory for the transfer's buffers (the JVM's direct-memory limit reached while the pipe
         * streamed): the transfer failed, not its parties, and the server goes on.
         */
        OUT_OF_MEMORY,
        /** A receiver went away (said to the receiver's own port only when it did not go by itself). */
        RECEIVER_ABORTED,
        /** Every receiver went away before the end of the stream. */
        ALL_RECEIVERS_ABORTED,
        /**
         * The stream ended and the receivers that stayed have every byte, but not all of them stayed (some left or
         * were dropped): the sender's transfer did not reach everyone it was for.
         */
        RECEIVERS_LOST,
        /** The receiver accepted no bytes for the slow-receiver limit while the others waited. */
        RECEIVER_TOO_SLOW,
        /** The registry is closing, or draining its streaming pipes before it closes. */
        SHUTTING_DOWN,
        /** The registry holds {@link PipeConfig#maxPipes()} pipes: a new one may not open (existing ones may). */
        TOO_MANY_PIPES,
        /** The party's client has {@link PipeConfig#maxWaitingPerClient()} parties waiting already. */
        TOO_MANY_WAITING,
        /** The party brought no credentials, and the pipe's {@link dev.pipe.core.access.AccessPolicy} wants some. */
        UNAUTHENTICATED,
        /** The party's credentials do not allow it this role on this pipe. */
        FORBIDDEN
    }

    private static final long serialVersionUID = 1L;

    /** What went wrong; never null. */
    private final Reason reason;

    /**
     * A failure without an underlying cause.
     *
     * @param reason  what went wrong; not null
     * @param message one line for the person at the other end; not null
     */
    public PipeException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * A failure caused by another one.
     *
     * @param reason  what went wrong; not null
     * @param message one line for the person at the other end; not null
     * @param cause   what caused it, or null
     */
    public PipeException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * What went wrong, for the adapter to map to its own status.
     *
     * @return the reason; never null
     */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "PipeException[" + reason + ": " + getMessage() + "]";
    }
}
