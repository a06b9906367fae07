package dev.pipe.servlet.fake;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A request body that arrives when the test says so, read under the Servlet non-blocking read contract as Jetty 12
 * implements it. The rule: once {@link #isReady()} has said no, the only way on is the read callback that the next
 * {@link #arrive}, {@link #arriveEnd()} or {@link #fail} makes owed, delivered when the test runs its {@link Steps}.
 *
 * <ul>
 * <li>A read before {@link #setReadListener} is a blocking read: counted in {@link #blockingReads()} and, as Jetty
 *     does, answered from what has arrived (with nothing arrived it throws rather than block the test thread).</li>
 * <li>After it, a read with nothing to return throws {@link IllegalStateException} ("read on unready input").</li>
 * <li>A read returns bytes of one arrival at most (Jetty reads chunk by chunk).</li>
 * <li>{@code isReady()} is true while bytes are buffered, at the end of the body (the read then returns -1) and once
 *     the client is gone (the read then throws). Once it said no, it says no until a callback is owed.</li>
 * <li>At most one read callback is owed at a time. What it delivers is decided when it runs, as Jetty does:
 *     {@code ReadListener.onError} once the client is gone, else {@code onDataAvailable} while bytes are buffered,
 *     else {@code onAllDataRead} (once) at the end, else nothing (and isReady's no stands again).</li>
 * <li>{@code onAllDataRead} is owed by the end arriving while the adapter waits, or by a read returning -1.</li>
 * <li>A callback that throws is answered with {@code onError}, as Jetty does ({@link #callbackFailures()}); after an
 *     {@code onError}, and once the exchange is complete, nothing more is delivered.</li>
 * <li>With {@link #strictReady(boolean) strictReady(true)}, as Jetty does, {@code isReady()} asked while a callback
 *     is owed, with nothing left to read, throws {@code IllegalStateException("callback pending")}.</li>
 * </ul>
 */
public final class ScriptedInput extends ServletInputStream {

    /** Jetty's input states: UNREADY, isReady() said no and nothing is owed yet; READY, a read callback is owed. */
    private enum State { IDLE, UNREADY, READY }

    private static final String NOTHING_TO_READ = "read callback (nothing to read: nothing delivered)";

    private final Steps steps;
    // all guarded by this
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final List<Throwable> callbackFailures = new ArrayList<>();
    private BooleanSupplier asyncStarted = () -> true;
    private BooleanSupplier over = () -> false;
    private ReadListener listener;
    private State state = State.IDLE;
    private boolean ended;
    private boolean allDataRead;
    private IOException failure;
    private boolean errorDelivered;
    private boolean strict;
    private int blockingReads;
    private long bytesRead;

    /** An input whose callbacks are owed on {@code steps}. */
    public ScriptedInput(Steps steps) {
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** Ties the input to its exchange: setReadListener needs async started; after completion nothing is delivered. */
    synchronized void bind(BooleanSupplier asyncStarted, BooleanSupplier over) {
        this.asyncStarted = asyncStarted;
        this.over = over;
    }

    /** With {@code true}, isReady() asked again while a callback is owed throws, as Jetty's does. */
    public synchronized ScriptedInput strictReady(boolean strict) {
        this.strict = strict;
        return this;
    }

    /** Bytes of the body arrive (one chunk); a callback becomes owed if the adapter waits for them. */
    public synchronized void arrive(byte[] bytes) {
        checkOpen();
        if (bytes.length > 0) {
            chunks.add(ByteBuffer.wrap(bytes.clone()));
            wake();
        }
    }

    /** The UTF-8 bytes of {@code text} arrive. */
    public void arrive(String text) {
        arrive(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The body ends; {@code onAllDataRead} becomes owed if the adapter waits with nothing left to read. */
    public synchronized void arriveEnd() {
        checkOpen();
        ended = true;
        wake();
    }

    /** The client is gone: reads throw {@code cause} from now on, and {@code ReadListener.onError} is owed. */
    public synchronized void fail(IOException cause) {
        if (failure == null) {
            failure = Objects.requireNonNull(cause, "cause");
            if (listener != null && state != State.READY) {
                owe();
            }
        }
    }

    /**
     * The next read throws {@code error}, once, as Jetty's read does when its pool has no memory for the buffer it
     * reads into; the input goes on as before after it.
     */
    public synchronized void failNextRead(Error error) {
        nextReadError = Objects.requireNonNull(error, "error");
    }

    private Error nextReadError;

    /**
     * Runs {@code hook} inside the next {@code setReadListener}, before the listener is in place: what another thread
     * (a pipe asking for bytes) may do at that moment.
     */
    public synchronized void whileSettingListener(Runnable hook) {
        whileSettingListener = hook;
    }

    private Runnable whileSettingListener;

    @Override
    public synchronized void setReadListener(ReadListener readListener) {
        Objects.requireNonNull(readListener, "readListener");
        if (listener != null) {
            throw new IllegalStateException("ReadListener already set");
        }
        if (!asyncStarted.getAsBoolean()) {
            throw new IllegalStateException("Async not started");
        }
        Runnable hook = whileSettingListener;
        whileSettingListener = null;
        if (hook != null) {
            hook.run(); // what another thread did while the adapter was inside setReadListener
        }
        listener = readListener;
        if (failure != null || !chunks.isEmpty() || ended) {
            owe();
        } else {
            state = State.UNREADY;
        }
    }

    @Override
    public synchronized boolean isReady() {
        boolean readable = failure != null || !chunks.isEmpty() || ended;
        if (listener == null || readable && state != State.UNREADY) {
            return readable;
        }
        if (state == State.READY && strict) {
            throw new IllegalStateException("callback pending");
        }
        if (state == State.IDLE) {
            state = State.UNREADY;
        }
        return false;
    }

    @Override
    public synchronized boolean isFinished() {
        return ended && chunks.isEmpty() && failure == null;
    }

    @Override
    public synchronized int available() {
        return chunks.stream().mapToInt(ByteBuffer::remaining).sum();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        boolean blocking = listener == null;
        if (blocking) {
            blockingReads++;
        }
        if (failure != null) {
            throw failure;
        }
        if (nextReadError != null && !blocking) {
            Error error = nextReadError;
            nextReadError = null;
            throw error;
        }
        ByteBuffer chunk = chunks.peek();
        if (chunk != null) {
            int n = Math.min(length, chunk.remaining());
            chunk.get(into, offset, n);
            if (!chunk.hasRemaining()) {
                chunks.poll();
            }
            bytesRead += n;
            return n;
        }
        if (ended) {
            if (!blocking && !allDataRead && state != State.READY) {
                owe(); // Jetty: reading the end schedules onAllDataRead
            }
            return -1;
        }
        throw new IllegalStateException(blocking ? "a blocking read with nothing arrived would block the test thread"
                : "read on unready input");
    }

    /** Reads into {@code buffer}'s remaining space (the Servlet 6.1 method, as on Jetty's input). */
    public int read(ByteBuffer buffer) throws IOException {
        byte[] bytes = new byte[buffer.remaining()];
        int n = read(bytes, 0, bytes.length);
        if (n > 0) {
            buffer.put(bytes, 0, n);
        }
        return n;
    }

    /** Reads made before a ReadListener was set: each is a thread blocked in a real container. */
    public synchronized int blockingReads() {
        return blockingReads;
    }

    /** Body bytes the adapter has read. */
    public synchronized long bytesRead() {
        return bytesRead;
    }

    /** What the adapter's read callbacks threw (each answered with onError). */
    public synchronized List<Throwable> callbackFailures() {
        return List.copyOf(callbackFailures);
    }

    /** Jetty's input state: IDLE, UNREADY (isReady said no, nothing owed yet) or READY (a callback is owed). */
    public synchronized String state() {
        return state.name();
    }

    // guarded by this
    private void checkOpen() {
        if (ended || failure != null) {
            throw new IllegalStateException("nothing arrives after the end or a failure");
        }
    }

    // guarded by this
    private void wake() {
        if (listener != null && state == State.UNREADY) {
            owe();
        }
    }

    // guarded by this
    private void owe() {
        if (!errorDelivered) {
            state = State.READY;
            steps.add(this::label, this::callback);
        }
    }

    private synchronized String label() {
        if (over.getAsBoolean() || errorDelivered) {
            return "read callback (" + (errorDelivered ? "onError delivered" : "exchange complete") + ": nothing more)";
        } else if (failure != null) {
            return "ReadListener.onError";
        } else if (!chunks.isEmpty()) {
            return "onDataAvailable";
        } else if (ended) {
            return allDataRead ? "read callback (all data read: nothing more)" : "onAllDataRead";
        }
        return NOTHING_TO_READ;
    }

    /** Delivers what {@link #label()} says, as Jetty's read callback decides when it runs. */
    private void callback() {
        ReadListener target;
        IOException error;
        String what;
        synchronized (this) {
            what = label();
            state = what.equals(NOTHING_TO_READ) ? State.UNREADY : State.IDLE; // Jetty: "running but not ready"
            errorDelivered |= what.equals("ReadListener.onError");
            allDataRead |= what.equals("onAllDataRead");
            target = listener;
            error = failure;
        }
        try {
            switch (what) {
                case "ReadListener.onError" -> target.onError(error);
                case "onAllDataRead" -> target.onAllDataRead();
                case "onDataAvailable" -> target.onDataAvailable();
                default -> { }
            }
        } catch (Throwable thrown) {
            synchronized (this) {
                callbackFailures.add(thrown);
                if (errorDelivered) {
                    return; // onError itself threw: nothing more to tell
                }
                errorDelivered = true;
            }
            target.onError(thrown);
        }
    }

    @Override
    public synchronized String toString() {
        return "ScriptedInput[" + state + " buffered=" + available() + " ended=" + ended + " failed=" + (failure != null)
                + " read=" + bytesRead + "]";
    }
}
