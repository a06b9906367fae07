package dev.pipe.core.testing;

import dev.pipe.core.Completion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lends chunk buffers as a sender adapter does, and checks that each one is released exactly once (Netty's
 * paranoid leak detector, Jetty's {@code ArrayByteBufferPool.Tracking}).
 *
 * <pre>{@code
 * TrackingBuffers buffers = new TrackingBuffers();
 * TrackingBuffers.Loan loan = buffers.lend("hello".getBytes(UTF_8));
 * sender.onChunk(loan.buffer(), loan.release());
 * ...
 * buffers.assertAllReleased();   // at the end of every test that lent buffers
 * }</pre>
 *
 * <p>Each lent buffer has spare bytes before and after the chunk, so code that ignores position and limit reads the
 * wrong bytes. When a loan is released its whole backing array is overwritten, so a receiver that still reads the
 * chunk afterwards sees garbage. A second release records a violation and throws {@link AssertionError} at once, on
 * whatever thread released. Thread-safe.
 */
public final class TrackingBuffers {

    /** The bytes written over a released buffer. */
    public static final byte POISON = (byte) 0xEE;

    private static final int MARGIN = 3;

    private final AtomicInteger ids = new AtomicInteger();
    private final List<Loan> loans = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** Lends a buffer holding a copy of {@code bytes} between its position and limit. */
    public Loan lend(byte[] bytes) {
        return lend(bytes, () -> { });
    }

    /** As {@link #lend(byte[])}, running {@code onRelease} after the release (to record the order of events). */
    public Loan lend(byte[] bytes, Runnable onRelease) {
        byte[] array = new byte[bytes.length + 2 * MARGIN];
        Arrays.fill(array, (byte) '~');
        System.arraycopy(bytes, 0, array, MARGIN, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(array).position(MARGIN).limit(MARGIN + bytes.length);
        Loan loan = new Loan(ids.incrementAndGet(), buffer, bytes.length, onRelease);
        loans.add(loan);
        return loan;
    }

    /** The number of buffers lent so far. */
    public int lent() {
        return loans.size();
    }

    /** The number of buffers released at least once. */
    public int released() {
        return (int) loans.stream().filter(Loan::isReleased).count();
    }

    /** The number of buffers lent and not yet released. */
    public int outstanding() {
        return lent() - released();
    }

    /** Double releases seen so far. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Asserts that every buffer lent was released exactly once. */
    public void assertAllReleased() {
        List<String> problems = new ArrayList<>(violations);
        for (Loan loan : loans) {
            int releases = loan.releases();
            if (releases != 1) {
                problems.add(loan + " released " + releases + " times");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("buffers not released exactly once: " + problems);
        }
    }

    @Override
    public String toString() {
        return "TrackingBuffers[lent=" + lent() + " outstanding=" + outstanding() + "]";
    }

    /** One lent buffer and the completion that gives it back. */
    public final class Loan {
        private final int id;
        private final ByteBuffer buffer;
        private final int length;
        private final Runnable onRelease;
        private final AtomicInteger releases = new AtomicInteger();
        private volatile Throwable failure;

        private final Completion release = new Completion() {
            @Override
            public void succeeded() {
                released(null);
            }

            @Override
            public void failed(Throwable cause) {
                released(cause == null ? new NullPointerException("null cause") : cause);
            }

            @Override
            public String toString() {
                return "release of " + Loan.this;
            }
        };

        private Loan(int id, ByteBuffer buffer, int length, Runnable onRelease) {
            this.id = id;
            this.buffer = buffer;
            this.length = length;
            this.onRelease = onRelease;
        }

        /** The buffer to lend, with the chunk between position and limit. */
        public ByteBuffer buffer() {
            return buffer;
        }

        /** The completion the core must complete exactly once. */
        public Completion release() {
            return release;
        }

        public boolean isReleased() {
            return releases.get() > 0;
        }

        public int releases() {
            return releases.get();
        }

        /** The cause when the release was a failure, else null. */
        public Throwable failure() {
            return failure;
        }

        private void released(Throwable cause) {
            int count = releases.incrementAndGet();
            if (count > 1) {
                String violation = this + " released " + count + " times";
                violations.add(violation);
                throw new AssertionError(violation);
            }
            failure = cause;
            Arrays.fill(buffer.array(), POISON);
            onRelease.run();
        }

        @Override
        public String toString() {
            return "chunk#" + id + "(" + length + " bytes)";
        }
    }
}
