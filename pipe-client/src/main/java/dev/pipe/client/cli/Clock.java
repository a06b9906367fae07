package dev.pipe.client.cli;

import java.io.InterruptedIOException;

/** The time a replay keeps: the system's, or a virtual one in tests. */
interface Clock {

    /** A monotonic time in nanoseconds. */
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code nanos}. */
    void sleepUntil(long nanos) throws InterruptedException;

    /** As {@link #sleepUntil}, for a stream's reader: an interruption is an {@link InterruptedIOException}. */
    default void awaitUntil(long nanos) throws InterruptedIOException {
        try {
            sleepUntil(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pacing what is sent");
        }
    }

    /** The system's clock: {@link System#nanoTime()}, waiting by parking the thread. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long nanos) throws InterruptedException {
            for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(left); // the replay's pace: waiting is the point
            }
        }
    };
}
