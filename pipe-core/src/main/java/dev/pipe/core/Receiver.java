package dev.pipe.core;

/** A receiver as the core sees it. */
public interface Receiver {

    /**
     * The receiver went away, at any time. Calls after the first, or after the transfer ended, do nothing.
     *
     * @param cause why, as the adapter saw it (a closed connection, a failed write)
     */
    void onDisconnect(Throwable cause);
}
