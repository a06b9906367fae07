package dev.pipe.core;

/**
 * The bytes a streaming pipe has moved, and how many of them its observers have been told of. Guarded by the pipe's
 * lock, as the {@link FanOut} that keeps it.
 */
final class Moved {

    /** Where the bytes moved since the last report go; with the lock held. */
    @FunctionalInterface
    interface Report {
        void moved(long sent, long delivered);
    }

    /** Bytes read from the sender. */
    long sent;
    /** Bytes written to the receivers, all of them together. */
    long delivered;

    private long toldSent;
    private long toldDelivered;

    /** Tells {@code report} of the bytes moved since it was last told, if there are any. */
    void tell(Report report) {
        long newlySent = sent - toldSent;
        long newlyDelivered = delivered - toldDelivered;
        if (newlySent == 0 && newlyDelivered == 0) {
            return;
        }
        toldSent = sent;
        toldDelivered = delivered;
        report.moved(newlySent, newlyDelivered);
    }
}
