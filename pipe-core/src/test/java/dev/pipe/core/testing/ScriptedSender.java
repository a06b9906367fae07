package dev.pipe.core.testing;

import dev.pipe.core.PipeException;
import dev.pipe.core.Progress;
import dev.pipe.core.Sender;
import dev.pipe.core.SenderPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A sender adapter driven by the test: it records what the core tells it and answers demand only when told to.
 *
 * <pre>{@code
 * ScriptedSender sender = new ScriptedSender(buffers);
 * sender.attach(registry.attachSender(key, 2, TransferInfo.UNKNOWN, sender));
 * assertEquals(1, sender.demands());      // the pipe was established while attaching
 * TrackingBuffers.Loan chunk = sender.sendChunk("hello");
 * ...
 * sender.end();
 * assertEquals(List.of(..., "Sent successfully!", ...), sender.lines());
 * }</pre>
 *
 * <p>The core may call the port before {@code attachSender} returns (demand when the sender completes the pipe):
 * such a demand is only counted, and the test answers it after {@link #attach}. Alternatively, {@link #script}
 * queues chunks (and {@link #scriptEnd()} the end) that answer demands as they come, synchronously from inside
 * {@code demand()} by default (the core must loop, not recurse) or on the executor given to {@link #answerOn}.
 * Buffers come from a {@link TrackingBuffers}. Thread-safe; never holds its lock while calling the core.
 */
public final class ScriptedSender implements SenderPort {

    private static final Object END = new Object();

    private final TrackingBuffers buffers;
    private final Object lock = new Object();
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();

    // guarded by lock
    private Sender handle;
    private Executor answerOn;
    private final ArrayDeque<Object> script = new ArrayDeque<>();
    private final List<Progress> reports = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<PipeException> failures = new ArrayList<>();
    private int demands;
    private int answers;
    private int finished;

    public ScriptedSender(TrackingBuffers buffers) {
        this.buffers = Objects.requireNonNull(buffers, "buffers");
    }

    /** Gives the fixture its handle (what {@code attachSender} returned); answers a demand already due by script. */
    public ScriptedSender attach(Sender sender) {
        synchronized (lock) {
            if (handle != null) {
                throw new IllegalStateException("already attached");
            }
            handle = Objects.requireNonNull(sender, "sender");
        }
        answerFromScript();
        return this;
    }

    /** The handle given to {@link #attach}. */
    public Sender handle() {
        synchronized (lock) {
            if (handle == null) {
                throw new IllegalStateException("attach the Sender handle first");
            }
            return handle;
        }
    }

    /** Answers scripted demands on {@code executor} instead of from inside {@code demand()}. */
    public ScriptedSender answerOn(Executor executor) {
        synchronized (lock) {
            answerOn = Objects.requireNonNull(executor, "executor");
        }
        return this;
    }

    /** Queues chunks that answer the next demands, one each; a demand already outstanding is answered now. */
    public ScriptedSender script(byte[]... chunks) {
        synchronized (lock) {
            for (byte[] chunk : chunks) {
                script.add(chunk.clone());
            }
        }
        answerFromScript();
        return this;
    }

    /** Queues the end of the stream after the scripted chunks. */
    public ScriptedSender scriptEnd() {
        synchronized (lock) {
            script.add(END);
        }
        answerFromScript();
        return this;
    }

    // ---------------------------------------------------------------- SenderPort

    @Override
    public void report(Progress progress) {
        synchronized (lock) {
            reports.add(progress);
            events.add("report: " + progress.message());
        }
    }

    @Override
    public void demand() {
        synchronized (lock) {
            demands++;
            events.add("demand");
        }
        answerFromScript();
    }

    @Override
    public void finished() {
        synchronized (lock) {
            finished++;
            events.add("finished");
        }
        outcome.complete(null);
    }

    @Override
    public void failed(PipeException failure) {
        synchronized (lock) {
            failures.add(failure);
            events.add("failed: " + failure.reason());
        }
        outcome.complete(null);
    }

    // ---------------------------------------------------------------- the test's side of the stream

    /** Answers a demand with a lent copy of {@code bytes}; returns the loan so the test can watch its release. */
    public TrackingBuffers.Loan sendChunk(byte[] bytes) {
        Sender sender = handle();
        TrackingBuffers.Loan loan = buffers.lend(bytes, () -> event("release"));
        synchronized (lock) {
            answers++;
            events.add("chunk");
        }
        sender.onChunk(loan.buffer(), loan.release());
        return loan;
    }

    /** Answers a demand with the UTF-8 bytes of {@code text}. */
    public TrackingBuffers.Loan sendChunk(String text) {
        return sendChunk(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers a demand with the end of the stream. */
    public void end() {
        Sender sender = handle();
        synchronized (lock) {
            answers++;
            events.add("end");
        }
        sender.onEnd();
    }

    /** The sender goes away (its connection broke). */
    public void error(Throwable cause) {
        Sender sender = handle();
        event("error");
        sender.onError(cause);
    }

    /** The sender goes away with an {@link IOException}. */
    public void abort() {
        error(new IOException("the sender went away"));
    }

    private void answerFromScript() {
        Object next;
        Sender sender;
        Executor executor;
        synchronized (lock) {
            if (handle == null || demands <= answers || script.isEmpty()) {
                return;
            }
            next = script.poll();
            sender = handle;
            executor = answerOn;
            answers++;
            events.add(next == END ? "end" : "chunk");
        }
        Runnable answer;
        if (next == END) {
            answer = sender::onEnd;
        } else {
            TrackingBuffers.Loan loan = buffers.lend((byte[]) next, () -> event("release"));
            answer = () -> sender.onChunk(loan.buffer(), loan.release());
        }
        if (executor == null) {
            answer.run();
        } else {
            executor.execute(answer);
        }
    }

    private void event(String event) {
        synchronized (lock) {
            events.add(event);
        }
    }

    // ---------------------------------------------------------------- what happened

    /** How many times the core asked for the next piece of the stream. */
    public int demands() {
        synchronized (lock) {
            return demands;
        }
    }

    /** Demands not answered yet (0 or 1 when the core is right). */
    public int outstandingDemands() {
        synchronized (lock) {
            return demands - answers;
        }
    }

    /** Every progress event, in order. */
    public List<Progress> reports() {
        synchronized (lock) {
            return List.copyOf(reports);
        }
    }

    /** The progress lines the person sending reads, in order (without the {@code [INFO]} prefix). */
    public List<String> lines() {
        synchronized (lock) {
            return reports.stream().map(Progress::message).toList();
        }
    }

    /** Everything in order: reports, demands, chunks, releases, end, outcome. */
    public List<String> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** True once {@link #finished()} was called. */
    public boolean isFinished() {
        synchronized (lock) {
            return finished > 0;
        }
    }

    /** The failures the core reported, in order. */
    public List<PipeException> failures() {
        synchronized (lock) {
            return List.copyOf(failures);
        }
    }

    /** The one failure the core reported; fails when there is none or more than one. */
    public PipeException failure() {
        synchronized (lock) {
            if (failures.size() != 1 || finished > 0) {
                throw new AssertionError("expected exactly one failure, got " + failures + " and finished "
                        + finished + " time(s); events " + events);
            }
            return failures.get(0);
        }
    }

    /** {@code finished()} and {@code failed()} calls together: 1 once the transfer is over, never more. */
    public int outcomes() {
        synchronized (lock) {
            return finished + failures.size();
        }
    }

    /** Completes with the first {@code finished()} or {@code failed()}. */
    public CompletableFuture<Void> outcome() {
        return outcome;
    }

    /** Asserts that the core said {@code finished()} once and never {@code failed()}. */
    public void assertFinished() {
        synchronized (lock) {
            if (finished != 1 || !failures.isEmpty()) {
                throw new AssertionError("expected finished once and no failure, got finished " + finished
                        + " time(s) and failures " + failures + "; events " + events);
            }
        }
    }

    /** Asserts that the core said {@code failed(reason)} once and never {@code finished()}. */
    public PipeException assertFailed(PipeException.Reason reason) {
        PipeException failure = failure();
        if (failure.reason() != reason) {
            throw new AssertionError("expected failure " + reason + ", got " + failure);
        }
        return failure;
    }

    /** Asserts that the transfer is not over for this sender. */
    public void assertNoOutcome() {
        synchronized (lock) {
            if (finished + failures.size() != 0) {
                throw new AssertionError("expected no outcome yet; events " + events);
            }
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ScriptedSender[demands=" + demands + " answers=" + answers + " finished=" + finished
                    + " failures=" + failures.size() + "]";
        }
    }
}
