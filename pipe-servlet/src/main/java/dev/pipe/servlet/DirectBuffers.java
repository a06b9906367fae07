package dev.pipe.servlet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small pool of direct buffers of one size: the chunks lent to the pipes. A direct chunk goes to the sockets of all
 * n receivers without a copy (a heap buffer is copied into a temporary direct one on every socket write), and
 * allocating a direct buffer per transfer would be slow and leave its freeing to the garbage collector. The pool
 * keeps at most {@code capacity} idle buffers; more are allocated when many pipes stream at once, and dropped when
 * they come back to a full pool.
 */
final class DirectBuffers {

    private final int size;
    private final int capacity;
    private final ConcurrentLinkedQueue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger lent = new AtomicInteger();   // acquired and not yet given back

    DirectBuffers(int size, int capacity) {
        this.size = size;
        this.capacity = capacity;
    }

    /**
     * A pool of {@code size}-byte buffers that keeps at most {@code chunks} idle ones and at most {@code bytes} of them
     * (at least one), so that large chunks do not leave much direct memory behind after a burst of transfers.
     */
    static DirectBuffers keeping(int size, int chunks, int bytes) {
        return new DirectBuffers(size, Math.max(1, Math.min(chunks, bytes / size)));
    }

    /** How many idle buffers the pool keeps at most. */
    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    /**
     * A cleared buffer of {@link #size()} bytes, the caller's own until it gives it back.
     *
     * @throws IOException when the JVM has no direct memory left for it (its transfer fails, the server goes on)
     */
    ByteBuffer acquire() throws IOException {
        ByteBuffer buffer = idle.poll();
        if (buffer == null) {
            try {
                buffer = ByteBuffer.allocateDirect(size);
            } catch (OutOfMemoryError full) {
                throw new IOException("no direct memory left for a " + size + "-byte chunk", full);
            }
        } else {
            idleCount.decrementAndGet();
        }
        lent.incrementAndGet();
        return buffer.clear();
    }

    /** Gives a buffer back, once, when nobody holds it or a view of it any more. */
    void release(ByteBuffer buffer) {
        if (buffer.capacity() == size && idleCount.incrementAndGet() <= capacity) {
            idle.offer(buffer);
        } else {
            idleCount.decrementAndGet();
        }
        if (lent.decrementAndGet() <= 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Buffers acquired and not given back: 0 when every transfer is over; below 0 when one came back twice. */
    int outstanding() {
        return lent.get();
    }

    /** Waits until every buffer acquired has come back; false if some are still out after {@code millis}. */
    synchronized boolean awaitAllReturned(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (lent.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Idle buffers in the pool (for tests). */
    int idle() {
        return idleCount.get();
    }
}
