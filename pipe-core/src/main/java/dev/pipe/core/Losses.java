package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.text.Sizes;

/**
 * The receivers a streaming pipe lost on the way (they left, or were dropped as too slow), and what its sender is
 * told when the stream ended without them. Guarded by the pipe's lock, as the {@link FanOut} that keeps it.
 */
final class Losses {

    private int lost;
    private int dropped;
    private long firstAt = -1;   // the bytes sent when the first was lost

    /** A receiver left when {@code bytes} had been sent. */
    void left(long bytes) {
        lost(bytes);
    }

    /** A receiver was dropped as too slow when {@code bytes} had been sent. */
    void dropped(long bytes) {
        dropped++;
        lost(bytes);
    }

    private void lost(long bytes) {
        lost++;
        if (firstAt < 0) {
            firstAt = bytes;
        }
    }

    int dropped() {
        return dropped;
    }

    /** The receivers that left by themselves. */
    int left() {
        return lost - dropped;
    }

    /** True when every one of the pipe's receivers stayed to the end. */
    boolean none() {
        return lost == 0;
    }

    /** What the sender is told when its stream ended with {@code expected - lost} of its receivers. */
    PipeException failure(int expected) {
        String who = lost == 1 ? (dropped == 1 ? "1 was dropped as too slow at " : "1 left at ")
                : lost + " left or were dropped, the first at ";
        return new PipeException(Reason.RECEIVERS_LOST, (expected - lost) + " of " + expected
                + " receivers got every byte; " + who + Sizes.format(firstAt) + ".");
    }
}
