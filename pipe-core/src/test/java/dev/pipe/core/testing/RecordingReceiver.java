package dev.pipe.core.testing;

import dev.pipe.core.Completion;
import dev.pipe.core.PipeException;
import dev.pipe.core.Receiver;
import dev.pipe.core.ReceiverPort;
import dev.pipe.core.TransferInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A receiver adapter that records what the core asks of it and holds every write until the test lets it go, so
 * a slow receiver takes one line: don't call {@link #completeWrite()}.
 *
 * <pre>{@code
 * RecordingReceiver rx = new RecordingReceiver("rx1");
 * rx.attach(registry.attachReceiver(key, 2, rx));
 * ...
 * assertTrue(rx.hasPendingWrite());
 * rx.completeWrite();                     // the chunk reached the client
 * ...
 * rx.assertCompletedWith("hello");
 * }</pre>
 *
 * <p>Each write's bytes are copied when {@code write} is called, and read again when the test completes the write:
 * if they changed in between (the sender's buffer was released and poisoned by {@link TrackingBuffers}), that is
 * recorded as a violation. So are two writes outstanding at once, a write before {@code begin} or after an
 * outcome, and both {@code complete} and {@code abort} (a port sees exactly one of them). With
 * {@link #autoComplete(boolean)} every write and {@code complete} succeeds from inside the call, or on the executor
 * given to {@link #completeOn}. Thread-safe; never holds its lock while calling the core.
 */
public final class RecordingReceiver implements ReceiverPort {

    private final String name;
    private final Object lock = new Object();
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();

    // guarded by lock
    private Receiver handle;
    private boolean autoComplete;
    private Executor completeOn;
    private TransferInfo info;
    private int begins;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Integer> writeSizes = new ArrayList<>();
    private Held held;
    private int completes;
    private boolean completeSucceeded;
    private final List<PipeException> aborts = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    public RecordingReceiver(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Gives the fixture its handle (what {@code attachReceiver} returned). */
    public RecordingReceiver attach(Receiver receiver) {
        synchronized (lock) {
            handle = Objects.requireNonNull(receiver, "receiver");
        }
        return this;
    }

    /** When true, every write and {@code complete} succeeds at once; a write already held is let go now. */
    public RecordingReceiver autoComplete(boolean value) {
        boolean release;
        synchronized (lock) {
            autoComplete = value;
            release = value && held != null;
        }
        if (release) {
            completeWrite();
        }
        return this;
    }

    /** Completes writes automatically on {@code executor} (another thread) instead of from inside the call. */
    public RecordingReceiver completeOn(Executor executor) {
        synchronized (lock) {
            completeOn = Objects.requireNonNull(executor, "executor");
            autoComplete = true;
        }
        return this;
    }

    // ---------------------------------------------------------------- ReceiverPort

    @Override
    public void begin(TransferInfo transfer) {
        synchronized (lock) {
            begins++;
            info = transfer;
            events.add("begin");
            if (begins > 1) {
                violations.add("begin called " + begins + " times");
            }
            if (outcomes() > 0) {
                violations.add("begin after an outcome");
            }
        }
    }

    @Override
    public void write(ByteBuffer chunk, Completion done) {
        int length = chunk.remaining();
        ByteBuffer snapshot = chunk.duplicate();
        byte[] copy = new byte[length];
        chunk.get(copy); // moves this view's position, as a real write does
        synchronized (lock) {
            events.add("write " + length);
            if (begins == 0) {
                violations.add("write before begin");
            }
            if (outcomes() > 0) {
                violations.add("write after an outcome");
            }
            if (held != null) {
                violations.add("two writes outstanding");
            }
            writeSizes.add(length);
            received.writeBytes(copy);
            held = new Held(done, snapshot, copy);
        }
        autoCompleteIfAsked();
    }

    @Override
    public void complete(Completion done) {
        synchronized (lock) {
            completes++;
            events.add("complete");
            if (held != null) {
                violations.add("complete with a write outstanding");
            }
            if (outcomes() > 1) {
                violations.add("complete after an outcome: " + events);
            }
            held = new Held(done, null, null);
        }
        outcome.complete(null);
        autoCompleteIfAsked();
    }

    @Override
    public void abort(PipeException reason) {
        synchronized (lock) {
            aborts.add(reason);
            events.add("abort: " + reason.reason());
            if (outcomes() > 1) {
                violations.add("abort after an outcome: " + events);
            }
        }
        outcome.complete(null);
    }

    private void autoCompleteIfAsked() {
        Executor executor;
        synchronized (lock) {
            if (!autoComplete) {
                return;
            }
            executor = completeOn;
        }
        if (executor == null) {
            completeWrite();
        } else {
            executor.execute(this::completeWrite);
        }
    }

    // ---------------------------------------------------------------- the test's side

    /** The held write (or complete) succeeded. */
    public void completeWrite() {
        Held write = take();
        if (write.view == null) {
            synchronized (lock) {
                completeSucceeded = true;
            }
        }
        write.done.succeeded();
    }

    /** The held write (or complete) failed with {@code cause}. */
    public void failWrite(Throwable cause) {
        take().done.failed(cause);
    }

    /** The held write (or complete) failed with an {@link IOException}. */
    public void failWrite() {
        failWrite(new IOException(name + ": write failed"));
    }

    /** The client went away: calls {@link Receiver#onDisconnect}. */
    public void disconnect() {
        Receiver receiver;
        synchronized (lock) {
            if (handle == null) {
                throw new IllegalStateException("attach the Receiver handle first");
            }
            receiver = handle;
            events.add("disconnect");
        }
        receiver.onDisconnect(new IOException(name + " went away"));
    }

    private Held take() {
        synchronized (lock) {
            Held write = held;
            if (write == null) {
                throw new IllegalStateException(name + " has no write outstanding; events " + events);
            }
            held = null;
            if (write.view != null) {
                byte[] now = new byte[write.copy.length];
                write.view.duplicate().get(now);
                if (!Arrays.equals(now, write.copy)) {
                    violations.add("the chunk changed before its write completed (released too early?)");
                }
            }
            return write;
        }
    }

    // ---------------------------------------------------------------- what happened

    public String name() {
        return name;
    }

    /** True when a write or {@code complete} waits for the test. */
    public boolean hasPendingWrite() {
        synchronized (lock) {
            return held != null;
        }
    }

    /** True once {@code begin} was called. */
    public boolean isBegun() {
        synchronized (lock) {
            return begins > 0;
        }
    }

    /** What the sender said about its stream, or null before {@code begin}. */
    public TransferInfo info() {
        synchronized (lock) {
            return info;
        }
    }

    /** Every byte written, in order. */
    public byte[] bytes() {
        synchronized (lock) {
            return received.toByteArray();
        }
    }

    /** Every byte written, as UTF-8. */
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** The size of each write, in order. */
    public List<Integer> writeSizes() {
        synchronized (lock) {
            return List.copyOf(writeSizes);
        }
    }

    /** The number of {@code complete} calls. */
    public int completes() {
        synchronized (lock) {
            return completes;
        }
    }

    /** Every {@code abort}, in order. */
    public List<PipeException> aborts() {
        synchronized (lock) {
            return List.copyOf(aborts);
        }
    }

    /** {@code complete} and {@code abort} calls together: never more than one. */
    public int outcomes() {
        synchronized (lock) {
            return completes + aborts.size();
        }
    }

    /** Completes with the first {@code complete} or {@code abort}. */
    public CompletableFuture<Void> outcome() {
        return outcome;
    }

    /** Everything in order: begin, writes, complete, abort, disconnect. */
    public List<String> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** Breaches of the port's contract seen so far. */
    public List<String> violations() {
        synchronized (lock) {
            return List.copyOf(violations);
        }
    }

    // ---------------------------------------------------------------- assertions

    /** Asserts that the port's contract was kept so far. */
    public void assertNoViolations() {
        List<String> seen = violations();
        if (!seen.isEmpty()) {
            throw new AssertionError(name + ": " + seen + "; events " + events());
        }
    }

    /** Asserts that exactly {@code expected} was written, whatever the outcome. */
    public void assertReceived(byte[] expected) {
        byte[] actual = bytes();
        if (!Arrays.equals(expected, actual)) {
            throw new AssertionError(name + " received " + actual.length + " bytes, not the " + expected.length
                    + " expected" + (actual.length < 200 ? ": '" + text() + "'" : ""));
        }
    }

    /** Asserts that exactly the UTF-8 bytes of {@code expected} were written. */
    public void assertReceived(String expected) {
        assertReceived(expected.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts a clean end: begun, exactly these bytes, one {@code complete} that succeeded, no abort. */
    public void assertCompletedWith(byte[] expected) {
        assertNoViolations();
        synchronized (lock) {
            if (begins != 1 || completes != 1 || !completeSucceeded || !aborts.isEmpty() || held != null) {
                throw new AssertionError(name + " did not complete cleanly; events " + events);
            }
        }
        assertReceived(expected);
    }

    /** Asserts a clean end with exactly the UTF-8 bytes of {@code expected}. */
    public void assertCompletedWith(String expected) {
        assertCompletedWith(expected.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts exactly one {@code abort}, for {@code reason}, and no {@code complete}; returns it. */
    public PipeException assertAborted(PipeException.Reason reason) {
        assertNoViolations();
        synchronized (lock) {
            if (aborts.size() != 1 || completes != 0 || aborts.get(0).reason() != reason) {
                throw new AssertionError(name + ": expected one abort(" + reason + "); events " + events);
            }
            return aborts.get(0);
        }
    }

    /** Asserts neither {@code complete} nor {@code abort} so far. */
    public void assertNoOutcome() {
        assertNoViolations();
        if (outcomes() != 0) {
            throw new AssertionError(name + ": expected no outcome; events " + events());
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "RecordingReceiver[" + name + " " + events + "]";
        }
    }

    private static final class Held {
        final Completion done;
        final ByteBuffer view;   // null for complete()
        final byte[] copy;

        Held(Completion done, ByteBuffer view, byte[] copy) {
            this.done = done;
            this.view = view;
            this.copy = copy;
        }
    }
}
