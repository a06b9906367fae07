package dev.pipe.core;

/**
 * The outcome of one asynchronous operation: a write to a receiver, or the release of a chunk lent by
 * the sender. It is this project's only async vocabulary, in the spirit of Jetty's {@code Callback}.
 *
 * <p>A completion is completed exactly once, with either {@link #succeeded()} or {@link #failed(Throwable)},
 * on any thread, possibly before the call that handed it over has returned. Whoever completes it should
 * reset its own state first, because the other side may start the next operation from inside the call.
 */
public interface Completion {

    /** The operation finished. */
    void succeeded();

    /**
     * The operation did not finish; {@code cause} says why.
     *
     * @param cause why the operation failed
     */
    void failed(Throwable cause);

    /** A completion that does nothing, for callers that do not care about the outcome. */
    Completion NOOP = new Completion() {
        @Override
        public void succeeded() {
        }

        @Override
        public void failed(Throwable cause) {
        }

        @Override
        public String toString() {
            return "Completion.NOOP";
        }
    };
}
