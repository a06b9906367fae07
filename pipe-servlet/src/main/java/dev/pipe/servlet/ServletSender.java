package dev.pipe.servlet;

import dev.pipe.core.Completion;
import dev.pipe.core.PipeException;
import dev.pipe.core.Progress;
import dev.pipe.core.Scheduler;
import dev.pipe.core.Sender;
import dev.pipe.core.SenderPort;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * A sender over a non-blocking servlet request ({@link SenderPort} and {@link ReadListener}): the request body
 * ({@link PlainBody} or {@link FormBody}) is the stream, the response body the sender's progress lines.
 *
 * <p>Its phases and every transition between them are {@link SenderPhase}, with the diagram.
 *
 * <p>Threads: events (the read callbacks, the pipe's demand and release, the client gone, the pipe over) come on any
 * thread; each only posts to the inbox, under {@code lock}, and runs the {@link StepLoop}. The phase, the handle and
 * the body are the loop's: one thread at a time runs {@link #step()}, the one place the phase changes
 * ({@link #to}, checked against {@link SenderPhase#next}). Calls into the pipe are made from the loop, never under a
 * lock.
 */
final class ServletSender implements SenderPort, ReadListener {

    /** Joins the pipe once what the receivers are to be told is known; null when the pipe refused (answered). */
    interface Join {
        Sender join(MultipartDecoder form);
    }

    /**
     * How often a waiting sender whose read-ahead is full hears who is missing: each line is a write, and a write is
     * how a client that left is noticed once its body is no longer read (two writes at most: the first may still be
     * taken by the kernel).
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(3);

    /**
     * How long a failed sender's [ERROR] line stands before its response is cut: a browser's XMLHttpRequest shows
     * the bytes of a response at most every 50 ms, and what it has not shown when the response then fails is lost.
     */
    static final Duration LINGER = Duration.ofMillis(250);

    /** The most a failed sender's body is read and forgotten after its last line, before its connection is closed. */
    static final long DRAIN_LIMIT = 4 * 1024 * 1024;

    private final Exchange exchange;
    private final ServletInputStream in;
    private final ResponseWriter writer;
    private final ProgressWriter progress;
    private final Body body;
    private final boolean readWhileLent;   // window two
    private final int chunkSize;           // what a streaming sender reads at a time, where the container lets it
    private final Scheduler scheduler;
    private final StepLoop loop = new StepLoop(this::step);

    // the inbox: guarded by lock
    private final Object lock = new Object();
    private boolean listening;      // the read listener is set
    private boolean demand;         // the pipe asked for the next chunk
    private boolean released;       // the pipe gave the chunk lent back
    private boolean over;           // the pipe finished with the sender, or the form expired: nothing to do
    private boolean failed;         // the pipe failed the sender
    private boolean cut;            // its last line is out: the output may be shut
    private Throwable gone;         // the client left or its body broke (the first reason)

    // the loop's
    private SenderPhase phase = SenderPhase.NEW;
    private Join join;
    private Sender handle;
    private boolean demanded;       // a demand not yet answered
    private long drained;           // bytes read and forgotten since the transfer failed

    private final Completion release = new Completion() {
        @Override
        public void succeeded() {
            post(Event.RELEASED, null);
        }

        @Override
        public void failed(Throwable cause) {
            post(Event.RELEASED, null);
        }
    };

    ServletSender(Exchange exchange, DirectBuffers pool, int window, MultipartDecoder form, Scheduler scheduler)
            throws IOException {
        this.exchange = exchange;
        this.scheduler = scheduler;
        this.in = exchange.request.getInputStream();
        this.writer = new ResponseWriter(exchange.container, exchange.response.getOutputStream(), this::gone);
        this.progress = new ProgressWriter(exchange, writer, exchange.wire.buffersProgress());
        this.body = form == null ? new PlainBody(in, exchange.container.reads(in), pool) : new FormBody(in, form, pool);
        this.readWhileLent = window > 1;
        this.chunkSize = pool.size();
        exchange.onGone(this::gone);
    }

    /** Starts reading; {@code join} is called once what the receivers are to be told is known. */
    void start(Join join) {
        this.join = join;
        in.setReadListener(this);
        post(Event.LISTENING, null);
    }

    /** The form's file did not start in time (its hold on the server expired): a 408. */
    void expire(String message) {
        // the hold decides between this and the join: once it expired, the join will not happen
        exchange.refuse(408, message);
        post(Event.OVER, null);
    }

    // ---------------------------------------------------------------- events, from any thread

    private enum Event { LISTENING, DEMAND, RELEASED, OVER, FAILED, CUT, GONE }

    private void post(Event event, Throwable cause) {
        synchronized (lock) {
            switch (event) {
                case LISTENING -> listening = true;
                case DEMAND -> demand = true;
                case RELEASED -> released = true;
                case OVER -> over = true;
                case FAILED -> failed = true;
                case CUT -> cut = true;
                case GONE -> gone = gone == null ? cause : gone;
            }
        }
        loop.iterate();
    }

    @Override
    public void report(Progress line) {
        progress.line("[INFO] " + line.message());
    }

    @Override
    public void demand() {
        post(Event.DEMAND, null);
    }

    @Override
    public void finished() {
        post(Event.OVER, null);
        progress.finish();
    }

    @Override
    public void failed(PipeException failure) {
        exchange.cutOffSoon();
        post(Event.FAILED, null);
        progress.fail(Responses.errorLine(failure.getMessage()),
                () -> scheduler.schedule(() -> post(Event.CUT, null), LINGER));
    }

    @Override
    public void onDataAvailable() {
        loop.iterate();
    }

    @Override
    public void onAllDataRead() {
        loop.iterate();
    }

    @Override
    public void onError(Throwable cause) {
        gone(cause);
    }

    private void gone(Throwable cause) {
        post(Event.GONE, cause);
    }

    // ---------------------------------------------------------------- the loop

    /** One step of the machine: takes the events posted, then does what the phase asks; true: step again. */
    private boolean step() {
        boolean isListening;
        boolean isOver;
        boolean isFailed;
        boolean isCut;
        boolean isReleased;
        Throwable left;
        synchronized (lock) {
            isListening = listening;
            isOver = over;
            isFailed = failed;
            isCut = cut;
            isReleased = released;
            released = false;
            demanded |= demand;
            demand = false;
            left = gone;
            gone = null;
        }
        if (isReleased) {
            body.released();   // once closed, the chunk goes back to the pool
        }
        if (phase == SenderPhase.CLOSED) {
            return false;
        }
        if (isOver) {
            close();
            return false;
        }
        if (isFailed && phase.next(SenderPhase.FAILING)) {
            startFailing();
        }
        if (isCut && phase == SenderPhase.FAILING) {
            if (!exchange.shutOutput()) {
                cutOff();
                return false;
            }
            to(SenderPhase.DRAINING);
        }
        if (left != null && !(body.payloadEnded() && (phase == SenderPhase.STREAMING || phase == SenderPhase.ENDED))) {
            // (once every payload byte is here, the transfer can finish without the sender)
            fail(left);
            return false;
        }
        try {
            return act(isListening);
        } catch (MultipartException x) {
            if (handle == null) {
                close();
                exchange.refuse(400, x.getMessage());
            } else {
                fail(x);
            }
        } catch (IOException | RuntimeException x) {
            if (x.getCause() instanceof OutOfMemoryError) {
                noMemory(x); // the pool found no direct memory for a chunk
            } else {
                fail(x);
            }
        } catch (OutOfMemoryError x) {
            noMemory(x); // the container found none for its read buffer, grown to a chunk
        }
        return false;
    }

    private boolean act(boolean isListening) throws IOException {
        switch (phase) {
            case NEW -> {
                if (isListening) {
                    to(SenderPhase.READING);
                    return true;
                }
                return false;
            }
            case READING -> {
                if (body.headersKnown()) {
                    join();
                    return true;
                }
                Body.Fill fill = body.fill();
                return fill == Body.Fill.PROGRESS || fill == Body.Fill.END && body.headersKnown();
            }
            case WAITING, HOLDING -> {
                if (demanded) {
                    to(SenderPhase.STREAMING);
                    exchange.readSize(chunkSize);
                    body.stream();
                    return true;
                }
                return phase == SenderPhase.WAITING && readAhead();
            }
            case STREAMING -> {
                return stream();
            }
            case ENDED -> {
                return body.fill() == Body.Fill.PROGRESS; // what follows a form's file: read and forgotten
            }
            case FAILING, DRAINING -> {
                return drain();
            }
            default -> {
                return false;
            }
        }
    }

    private void join() {
        to(SenderPhase.JOINING);
        Join pending = join;
        join = null;
        Sender sender = pending.join(body.form());
        if (sender == null) {
            close(); // refused, and answered
            return;
        }
        handle = sender;
        writer.start();
        to(SenderPhase.WAITING);
    }

    /** WAITING: reads ahead while the others come; once full, or all in, holds and makes sure the client is there. */
    private boolean readAhead() throws IOException {
        switch (body.fill()) {
            case PROGRESS -> {
                return true;
            }
            case FULL -> {
                to(SenderPhase.HOLDING);
                if (body.endsHere()) {
                    watch();
                } else {
                    handle.keepAlive(KEEP_ALIVE);
                }
                return false;
            }
            case END -> {
                to(SenderPhase.HOLDING);
                watch();
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * STREAMING: reads while bytes are there (as far as the window allows), then answers a demand with the chunk
     * read or the end. Reading first makes the chunk as full as what has arrived allows: one write per receiver for
     * each chunk, not one per piece the container happened to have (a fast sender's chunks were a quarter full when
     * a demand was answered between two reads, and eight receivers then moved 14 % less).
     */
    private boolean stream() throws IOException {
        if ((!body.isLent() || readWhileLent) && body.fill() == Body.Fill.PROGRESS) {
            return true;
        }
        // nothing more to read now (the read callback will come), the chunk is full, or the body is all read
        if (demanded && !body.isLent()) {
            if (body.hasChunk()) {
                demanded = false;
                handle.onChunk(body.lend(), release);
                return true;
            }
            if (body.payloadEnded()) {
                demanded = false;
                to(SenderPhase.ENDED);
                handle.onEnd();
                return true;
            }
        }
        return false; // with a window of one, the next chunk is read once the one lent is back
    }

    /** FAILING, DRAINING: reads and forgets what the client sends; once it ends (DRAINING), closes. */
    private boolean drain() throws IOException {
        int read = body.drain();
        if (read > 0) {
            drained += read;
        }
        if (phase == SenderPhase.DRAINING && (read < 0 || drained > DRAIN_LIMIT)) {
            cutOff();
            return false;
        }
        return read > 0;
    }

    /** Ends a failed exchange cut off; the pipe knows already. */
    private void cutOff() {
        close();
        exchange.abort();
    }

    private void watch() {
        exchange.watch(() -> gone(new IOException("sender closed the connection")));
    }

    /**
     * A read found no direct memory for its buffer: the transfer fails as the server's. The client is still there, so
     * a streaming sender goes to FAILING as when the pipe fails it (its line stands, then its rest is drained), not
     * cut off, which could lose the line; the pipe answers with {@link #failed} (it ends on this error, or had ended).
     */
    private void noMemory(Throwable cause) {
        Sender sender = handle;
        if (sender == null || phase != SenderPhase.STREAMING) {
            fail(cause);
            return;
        }
        startFailing();
        sender.onError(cause);
    }

    /** To FAILING: what is read from now on is forgotten, so it needs no pooled chunk, nor a chunk-sized read. */
    private void startFailing() {
        to(SenderPhase.FAILING);
        body.close();
        exchange.readAsTheConnectorDoes();
    }

    /** The client left, or its body broke: the pipe hears it (once it has the sender), the exchange is cut off. */
    private void fail(Throwable cause) {
        Sender sender = handle;
        close();
        if (sender != null) {
            sender.onError(cause);
        }
        exchange.abort();
    }

    private void close() {
        if (phase == SenderPhase.CLOSED) {
            return;
        }
        to(SenderPhase.CLOSED);
        body.close();
        // what the container still reads (a failed request's rest, or the connection's next request) takes the
        // connector's buffers, not one of the chunk's size
        exchange.readAsTheConnectorDoes();
    }

    /** The one place the phase changes. */
    private void to(SenderPhase next) {
        if (!phase.next(next)) {
            throw new IllegalStateException("sender " + phase + " -> " + next);
        }
        phase = next;
    }
}
