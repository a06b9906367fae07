package dev.pipe.core;

/** A receiver as the core sees it. */
public interface Receiver {

    /** The receiver went away, at any time. Calls after the first, or after the transfer ended, do nothing. */
    void onDisconnect(Throwable cause);
}
