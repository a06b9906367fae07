package dev.pipe.servlet.fake;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.WritePendingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A response body that collects what is written, under the Servlet non-blocking write contract as Jetty 12
 * implements it. The rule: after {@link #setWriteListener}, each write (or flush) needs an {@code isReady()} that
 * said yes since the one before; once {@code isReady()} has said no, only {@code onWritePossible} (owed when the
 * test calls {@link #unblock()}) lets writing go on.
 *
 * <ul>
 * <li>{@code setWriteListener} owes {@code onWritePossible} at once; it throws {@link IllegalStateException} when
 *     set twice or before async started.</li>
 * <li>{@code isReady()} is true unless the test called {@link #block()} (the client's socket is full).</li>
 * <li>A write after {@code isReady()} said no throws {@link WritePendingException} (an IllegalStateException); a
 *     second write without {@code isReady()} in between throws {@code IllegalStateException("isReady() not
 *     called")}. Before a listener is set writes are blocking writes: fine unless blocked (then they throw rather
 *     than block the test thread).</li>
 * <li>{@link #fail}: the client is gone; writes throw, {@code isReady()} says yes (so that the write throws) and the
 *     owed callback delivers {@code WriteListener.onError} instead of {@code onWritePossible}.</li>
 * <li>A callback that throws is answered with {@code onError} ({@link #callbackFailures()}); after an
 *     {@code onError}, and once the exchange is complete, nothing more is delivered.</li>
 * <li>The response is committed by the first write or flush; nothing is buffered.</li>
 * </ul>
 */
public final class ScriptedOutput extends ServletOutputStream {

    /** Jetty's API states: BLOCKING (no listener), READY (one write allowed), ASYNC (wrote), UNREADY (isReady no). */
    private enum State { BLOCKING, READY, ASYNC, UNREADY }

    private final Steps steps;
    // all guarded by this
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final List<Throwable> callbackFailures = new ArrayList<>();
    private BooleanSupplier asyncStarted = () -> true;
    private BooleanSupplier over = () -> false;
    private WriteListener listener;
    private State state = State.BLOCKING;
    private boolean owed;
    private boolean blocked;
    private boolean committed;
    private boolean closed;
    private IOException failure;
    private boolean errorDelivered;
    private int flushes;

    /** An output whose callbacks are owed on {@code steps}. */
    public ScriptedOutput(Steps steps) {
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** Ties the output to its exchange: setWriteListener needs async started; after completion nothing is delivered. */
    synchronized void bind(BooleanSupplier asyncStarted, BooleanSupplier over) {
        this.asyncStarted = asyncStarted;
        this.over = over;
    }

    /** The client stops taking bytes: isReady() says no from now on. */
    public synchronized void block() {
        blocked = true;
    }

    /** The client takes bytes again; onWritePossible is owed if isReady() said no meanwhile. */
    public synchronized void unblock() {
        blocked = false;
        if (state == State.UNREADY) {
            state = State.READY;
            owe();
        }
    }

    /** The client is gone: writes throw {@code cause}, and {@code WriteListener.onError} is owed. */
    public synchronized void fail(IOException cause) {
        if (failure == null) {
            failure = Objects.requireNonNull(cause, "cause");
            if (listener != null) {
                owe();
            }
        }
    }

    @Override
    public synchronized void setWriteListener(WriteListener writeListener) {
        Objects.requireNonNull(writeListener, "writeListener");
        if (listener != null) {
            throw new IllegalStateException("WriteListener already set");
        }
        if (!asyncStarted.getAsBoolean()) {
            throw new IllegalStateException("Async not started");
        }
        listener = writeListener;
        state = State.READY;
        owe();
    }

    @Override
    public synchronized boolean isReady() {
        if (failure != null || listener == null) {
            return failure != null || !blocked;
        }
        state = blocked ? State.UNREADY : State.READY;
        return !blocked;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        step("write");
        written.write(bytes, offset, length);
    }

    @Override
    public synchronized void flush() throws IOException {
        if (!closed) {
            step("flush");
            flushes++;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        committed = true;
    }

    /** Everything written. */
    public synchronized byte[] written() {
        return written.toByteArray();
    }

    /** Everything written, as UTF-8. */
    public synchronized String text() {
        return written.toString(StandardCharsets.UTF_8);
    }

    /** How many times flush() went through. */
    public synchronized int flushes() {
        return flushes;
    }

    /** True after the first write or flush (or sendError, or close). */
    public synchronized boolean isCommitted() {
        return committed;
    }

    /** True once close() was called. */
    public synchronized boolean closed() {
        return closed;
    }

    /** What the adapter's write callbacks threw (each answered with onError). */
    public synchronized List<Throwable> callbackFailures() {
        return List.copyOf(callbackFailures);
    }

    /** Commits the response without a write (sendError, flushBuffer). */
    synchronized void commit() {
        committed = true;
    }

    // guarded by this
    private void step(String what) throws IOException {
        if (closed) {
            throw new IOException(what + " after close");
        }
        if (failure != null) {
            throw failure;
        }
        switch (state) {
            case BLOCKING -> {
                if (blocked) {
                    throw new IllegalStateException("a blocking " + what + " would block the test thread");
                }
            }
            case READY -> state = State.ASYNC;
            case ASYNC -> throw new IllegalStateException("isReady() not called before " + what);
            case UNREADY -> throw new WritePendingException();
        }
        committed = true;
    }

    // guarded by this
    private void owe() {
        if (!owed && !errorDelivered) {
            owed = true;
            steps.add(this::label, this::callback);
        }
    }

    private synchronized String label() {
        if (over.getAsBoolean() || errorDelivered) {
            return "write callback (" + (errorDelivered ? "onError delivered" : "exchange complete") + ": nothing)";
        }
        return failure != null ? "WriteListener.onError" : "onWritePossible";
    }

    private void callback() {
        WriteListener target;
        IOException error;
        synchronized (this) {
            owed = false;
            if (over.getAsBoolean() || errorDelivered) {
                return;
            }
            target = listener;
            error = failure;
            errorDelivered = error != null;
        }
        if (error != null) {
            target.onError(error);
            return;
        }
        try {
            target.onWritePossible();
        } catch (Throwable thrown) {
            synchronized (this) {
                callbackFailures.add(thrown);
                if (errorDelivered) {
                    return;
                }
                errorDelivered = true;
            }
            target.onError(thrown);
        }
    }

    @Override
    public synchronized String toString() {
        return "ScriptedOutput[" + state + (blocked ? " blocked" : "") + " written=" + written.size() + " committed="
                + committed + " closed=" + closed + "]";
    }
}
