package dev.pipe.servlet;

import dev.pipe.core.Completion;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Non-blocking writes of a response body, one at a time, each completed when the container has taken the bytes.
 *
 * <p>A write is done when {@code isReady()} is true right after it, otherwise at the next {@code onWritePossible}
 * (the states of Jetty's {@code AsyncProxyServlet.StreamWriter}). Buffers go through the container's buffer write
 * (Jetty's {@code HttpOutput.write(ByteBuffer)} neither copies nor aggregates them, so each chunk leaves at once;
 * Servlet 6.1's elsewhere, followed by a flush); when a filter has wrapped the response, or on a Servlet 6.0
 * container without buffer writes ({@link Container}), through the plain servlet write followed by a flush.
 * The caller keeps at most one write outstanding; nothing is written before {@link #start()}.
 */
final class ResponseWriter implements WriteListener {

    private final ServletOutputStream out;
    private final Container.BufferWrites direct;   // the container's buffer writes, or null: array, then flush
    private final Consumer<Throwable> onFailure;
    private final Object lock = new Object();

    // guarded by lock
    private boolean listening;
    private ByteBuffer buffer;     // to write, until written
    private boolean flushPending;  // written through a wrapper: flush it
    private Completion done;       // the write queued or in flight
    private Throwable failure;
    private byte[] scratch;        // a direct chunk's bytes, for the plain API's array write
    private boolean handedOver;    // the bytes of the write outstanding went into the container's write

    ResponseWriter(Container container, ServletOutputStream out, Consumer<Throwable> onFailure) {
        this.out = out;
        this.direct = container.writes(out);
        this.onFailure = onFailure;
    }

    /** Goes non-blocking: registers as the write listener, then writes what was queued. */
    void start() {
        out.setWriteListener(this);
        synchronized (lock) {
            listening = true;
        }
        onWritePossible();
    }

    /** Writes {@code bytes} (which must not change until {@code completion} completes). */
    void write(ByteBuffer bytes, Completion completion) {
        Throwable failed;
        synchronized (lock) {
            if (done != null) {
                throw new IllegalStateException("a write is already outstanding");
            }
            failed = failure;
            if (failed == null) {
                buffer = bytes;
                handedOver = false;
                done = completion;
            }
        }
        if (failed != null) {
            completion.failed(failed);
            return;
        }
        onWritePossible();
    }

    /**
     * True when the bytes of the last write went into the container's own write call, whatever came of it after: the
     * container took them, though it may still fail to flush them.
     */
    boolean handedOver() {
        synchronized (lock) {
            return handedOver;
        }
    }

    /** True when a write failed: the bytes of it, and of any after it, may not have reached the client. */
    boolean failed() {
        synchronized (lock) {
            return failure != null;
        }
    }

    @Override
    public void onWritePossible() {
        Completion complete;
        Throwable failed = null;
        synchronized (lock) {
            if (!listening || done == null) {
                return;
            }
            try {
                // each pass: the step before is done when isReady() is true; otherwise onWritePossible will come
                for (;;) {
                    if (!out.isReady()) {
                        return;
                    }
                    if (buffer != null) {
                        writeStep(buffer);
                        buffer = null;
                        handedOver = true;
                        flushPending = direct == null || direct.aggregates();
                    } else if (flushPending) {
                        out.flush();
                        flushPending = false;
                    } else {
                        break;
                    }
                }
            } catch (Throwable x) {
                failed = x;
                failure = x;
                buffer = null;
                flushPending = false;
            }
            complete = done;
            done = null;
        }
        if (failed == null) {
            complete.succeeded();
        } else {
            complete.failed(failed);
            onFailure.accept(failed);
        }
    }

    // guarded by lock
    private void writeStep(ByteBuffer bytes) throws IOException {
        if (direct != null) {
            direct.write(bytes);
        } else if (bytes.hasArray()) {
            // a response wrapped by a filter: the plain servlet write, which may aggregate, so a flush follows
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            // a direct chunk through the plain API: copied into this writer's own array, allocated once and kept
            int length = bytes.remaining();
            if (scratch == null || scratch.length < length) {
                scratch = new byte[length];
            }
            bytes.get(bytes.position(), scratch, 0, length); // absolute: the position stays, nothing allocated
            out.write(scratch, 0, length);
        }
    }

    @Override
    public void onError(Throwable cause) {
        Throwable failed = Objects.requireNonNullElseGet(cause, () -> new IllegalStateException("write failed"));
        abandon(failed);
        onFailure.accept(failed);
    }

    /** Fails the write outstanding, if any: the exchange was aborted and the bytes will not be written. */
    void abandon(Throwable cause) {
        Completion complete;
        synchronized (lock) {
            if (failure == null) {
                failure = cause;
            }
            complete = done;
            done = null;
            buffer = null;
            flushPending = false;
        }
        if (complete != null) {
            complete.failed(cause);
        }
    }
}
