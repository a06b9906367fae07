package dev.pipe.jetty;

import dev.pipe.core.Completion;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Non-blocking writes of a response body, one at a time, each completed when the container has taken the bytes.
 *
 * <p>A write is done when {@code isReady()} is true right after it, otherwise at the next {@code onWritePossible}
 * (the states of Jetty's {@code AsyncProxyServlet.StreamWriter}). Buffers go through Jetty's
 * {@link HttpOutput#write(ByteBuffer)}, which neither copies nor aggregates them, so each chunk leaves at once.
 * The caller keeps at most one write outstanding; nothing is written before {@link #start()}.
 */
final class ResponseWriter implements WriteListener {

    private final ServletOutputStream out;
    private final Consumer<Throwable> onFailure;
    private final Object lock = new Object();

    // guarded by lock
    private boolean listening;
    private ByteBuffer buffer;
    private Completion done;       // the write queued or in flight
    private boolean inFlight;
    private Throwable failure;

    ResponseWriter(ServletOutputStream out, Consumer<Throwable> onFailure) {
        this.out = out;
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
                done = completion;
            }
        }
        if (failed != null) {
            completion.failed(failed);
            return;
        }
        onWritePossible();
    }

    /** True when no write is queued or in flight. */
    boolean isIdle() {
        synchronized (lock) {
            return done == null;
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
                if (!out.isReady()) {
                    return; // onWritePossible will come
                }
                if (!inFlight) {
                    ((HttpOutput) out).write(buffer);
                    buffer = null;
                    if (!out.isReady()) {
                        inFlight = true;
                        return;
                    }
                }
                inFlight = false;
            } catch (Throwable x) {
                failed = x;
                failure = x;
                buffer = null;
                inFlight = false;
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

    @Override
    public void onError(Throwable cause) {
        Completion complete;
        synchronized (lock) {
            if (failure == null) {
                failure = Objects.requireNonNullElseGet(cause, () -> new IllegalStateException("write failed"));
            }
            complete = done;
            done = null;
            buffer = null;
            inFlight = false;
        }
        if (complete != null) {
            complete.failed(failure);
        }
        onFailure.accept(failure);
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
            inFlight = false;
        }
        if (complete != null) {
            complete.failed(cause);
        }
    }
}
