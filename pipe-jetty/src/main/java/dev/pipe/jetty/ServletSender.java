package dev.pipe.jetty;

import dev.pipe.core.Completion;
import dev.pipe.core.PipeException;
import dev.pipe.core.Progress;
import dev.pipe.core.Sender;
import dev.pipe.core.SenderPort;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A sender over a non-blocking servlet request ({@link SenderPort} and {@link ReadListener}): the request body is
 * the stream, the response body the sender's progress lines.
 *
 * <p>A plain body is read straight into a direct chunk from a pool (the container's buffer read, Jetty's {@code HttpInput.read(ByteBuffer)}: one copy
 * from Jetty's buffer), which is lent to the core until the core releases it: no further copy on the way to the n
 * receivers' sockets. A form (below) is read into an array of the chunk size, since its decoder works on arrays, and
 * its payload copied into the direct chunk on demand; so is a body whose input stream is not Jetty's own (a filter
 * wrapped it). With a window of two ({@link dev.pipe.core.PipeConfig#window()}) the next chunk is read while the
 * current one is being written: the pipe then holds two chunks, one in flight to the receivers (who are never more
 * than that one chunk apart) and one read ahead. With a window of one, the next is read once the current one is
 * released. While the pipe waits, the sender reads ahead a little, so that a client that leaves early is noticed:
 * a plain body's first {@value #EARLY} bytes into a small heap buffer (a waiting sender holds no pooled chunk), a
 * form's into its array.
 *
 * <p>The payload is the whole body, or, for a {@code multipart/form-data} body (an HTML form), the first file part
 * of it, picked out by a {@link MultipartDecoder} as regions of the same buffer, without a copy. A form's sender
 * joins the pipe only once that part's headers have arrived, since its receivers are to get them.
 */
final class ServletSender implements SenderPort, ReadListener {

    /** Joins the pipe once what the receivers are to be told is known; false when the pipe refused. */
    interface Join {
        boolean join(MultipartDecoder form);
    }

    private final Exchange exchange;
    private final ServletInputStream in;
    private final ResponseWriter writer;
    private final ProgressWriter progress;
    private final MultipartDecoder form;   // null: the payload is the whole body
    private final Container.BufferReads direct;  // a plain body's buffer reads into direct chunks; null: the array
    private final byte[] array;      // what a form (or a wrapped input) is read into; null when direct
    private final int capacity;      // the chunk size: bytes read ahead at most
    private final DirectBuffers pool;
    private final boolean readAhead;  // window 2: read the next chunk while the current one is written
    private final Object lock = new Object();

    /** How much of a plain body is read ahead while the pipe waits. */
    static final int EARLY = 64 * 1024;

    /**
     * How often a waiting sender whose read-ahead is full hears who is missing: each line is a write, and a write is
     * how a client that left is noticed once its body is no longer read (two writes at most: the first may still
     * be taken by the kernel).
     */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(3);

    /** How much of a form may come before its file: fields and preamble are read and forgotten, but not forever. */
    static final long MAX_BEFORE_PAYLOAD = 1024 * 1024;

    // guarded by lock
    private Sender handle;
    private Join join;
    private boolean joining;       // the join is under way: the pipe may call in before attached()
    private Throwable failure;     // why the sender failed before the pipe had its handle
    private long beforeJoin;       // raw bytes of a form decoded before its payload's headers
    private boolean listening;
    private boolean missed;        // a read callback came before listening was set: pump once it is
    private boolean demanded;
    private boolean lent;
    private boolean eof;           // the request body is all read
    private boolean payloadEnded;  // every payload byte has been found (for a plain body: eof)
    private boolean started;       // demand has come: the pipe is established
    private boolean ended;         // the core has been told the end
    private boolean done;
    private int filled;            // raw body bytes in the array (or in filling), from 0
    private int decoded;           // of those, the ones the form decoder has consumed
    private boolean stalled;       // the decoder needs more bytes than those it has
    private ByteBuffer chunk;      // what the pipe is lent: direct, from the pool once streaming starts, until done
                                   // (when direct: only while lent; then it becomes filling or spare)
    private ByteBuffer filling;    // when direct: the chunk being read into, from the pool at the first read
    private ByteBuffer spare;      // when direct, window 2: a chunk come back while the next was being read
    private ByteBuffer early;      // when direct, while the pipe waits: what is read ahead (heap, EARLY bytes)
    private int payloadFrom;       // the payload found and not yet lent: [payloadFrom, payloadTo)
    private int payloadTo;

    private final Completion release = new Completion() {
        @Override
        public void succeeded() {
            released();
        }

        @Override
        public void failed(Throwable cause) {
            released();
        }
    };

    ServletSender(Exchange exchange, DirectBuffers pool, int window, MultipartDecoder form)
            throws IOException {
        this.exchange = exchange;
        this.in = exchange.request.getInputStream();
        ResponseWriter writer = new ResponseWriter(exchange.container, exchange.response.getOutputStream(), this::gone);
        this.writer = writer;
        this.progress = new ProgressWriter(exchange, writer, exchange.wire.buffersProgress());
        this.form = form;
        this.direct = form == null ? exchange.container.reads(in) : null;
        this.capacity = pool.size();
        this.array = direct == null ? new byte[capacity] : null;
        this.pool = pool;
        this.readAhead = window > 1;
        exchange.onGone(() -> gone(new IOException("sender gone")));
    }

    /** Starts reading a form; {@code join} is called once the payload's headers are in. */
    void readForm(Join join) {
        synchronized (lock) {
            this.join = join;
        }
        listen();
    }

    /**
     * Registers as the read listener; Jetty calls onDataAvailable (or onAllDataRead) once there is something. Nothing
     * is read before the listener is set (a read then would be a blocking one, and the transfer could even end before
     * setReadListener, which Jetty then refuses); a callback that comes before {@code listening} is set is not lost.
     */
    private void listen() {
        in.setReadListener(this);
        boolean pumpNow;
        synchronized (lock) {
            listening = true;
            pumpNow = missed;
            missed = false;
        }
        if (pumpNow) {
            pump();
        }
    }

    /** Called once the core accepted the sender (and its response headers are set): go non-blocking. */
    void attached(Sender sender) {
        boolean watch;
        boolean listen;
        Throwable failed;
        synchronized (lock) {
            handle = sender;
            watch = eof && !done;
            listen = !listening;
            failed = done ? failure : null;
        }
        if (failed != null) {
            // the request failed while the pipe was taking it (the pipe may already have asked for bytes)
            sender.onError(failed);
            exchange.abort();
            return;
        }
        writer.start();
        if (listen) {
            listen();
            // no pump() here: Jetty calls onDataAvailable (or onAllDataRead) once there is something to read
            return;
        }
        if (watch) {
            // a form read to its end before the pipe took it: watch the connection instead
            watch();
        }
        pump();
    }

    @Override
    public void report(Progress line) {
        progress.line("[INFO] " + line.message());
    }

    @Override
    public void demand() {
        synchronized (lock) {
            demanded = true;
            started = true;
        }
        pump();
    }

    @Override
    public void finished() {
        finish();
        progress.finish();
    }

    @Override
    public void failed(PipeException failure) {
        finish();
        progress.line(Responses.errorLine(failure.getMessage()));
        progress.finish();
    }

    @Override
    public void onDataAvailable() {
        if (callbackBeforeListening()) {
            return;
        }
        pump();
    }

    @Override
    public void onAllDataRead() {
        if (callbackBeforeListening()) {
            return;
        }
        pump();
    }

    /** True (and noted) when Jetty calls back before listen() has set {@code listening}: listen() pumps then. */
    private boolean callbackBeforeListening() {
        synchronized (lock) {
            if (listening) {
                return false;
            }
            missed = true;
            return true;
        }
    }

    @Override
    public void onError(Throwable cause) {
        gone(cause);
    }

    private void released() {
        synchronized (lock) {
            lent = false;
            if (done) {
                returnChunk();
                return;
            }
            if (direct != null) {
                // the chunk is free again: read into it next (window 1), or keep it for after the one being read
                ByteBuffer back = chunk.clear();
                chunk = null;
                if (filling == null) {
                    filling = back;
                } else {
                    spare = back;
                }
            }
        }
        pump();
    }

    private void finish() {
        synchronized (lock) {
            done = true;
            if (!lent) {
                returnChunk();
            }
        }
    }

    /** Gives the direct chunks back to the pool, once, when the pipe holds no view of them; under the lock. */
    private void returnChunk() {
        assert !lent : "a chunk the pipe still holds must not go back to the pool";
        if (chunk != null) {
            pool.release(chunk);
            chunk = null;
        }
        if (filling != null) {
            pool.release(filling);
            filling = null;
        }
        if (spare != null) {
            pool.release(spare);
            spare = null;
        }
    }

    /** Reads while the buffer is ours, decodes, and answers demand; never waits. */
    private void pump() {
        for (;;) {
            Sender sender;
            Answer answer = Answer.NONE;
            Throwable cause = null;
            ByteBuffer lending = null;
            synchronized (lock) {
                if (done || !listening || (lent && !readAhead)) {
                    return; // with a window of one, nothing is read while a chunk is lent
                }
                sender = handle;
                if (form == null) {
                    payloadTo = filled;
                }
                try {
                    if (payloadTo > payloadFrom) {
                        if (!demanded || sender == null || lent) {
                            if (eof) {
                                return; // demand will come
                            }
                            if (filled >= readAheadLimit()) {
                                // demand will come; a waiting sender whose body is no longer read is noticed
                                // leaving only by a write to it
                                answer = sender == null || started ? Answer.WAIT
                                        : bodyEnds() ? ended() : Answer.KEEP_ALIVE;
                            } else {
                                // read ahead behind the payload: while the pipe waits, so that a client that leaves
                                // early is noticed; while the chunk lent is being written, so that the next is ready
                                answer = read();
                            }
                        } else {
                            demanded = false;
                            lending = lend();
                            answer = Answer.CHUNK;
                        }
                    } else if (payloadEnded && !ended) {
                        if (!demanded || sender == null) {
                            if (sender == null && join != null) {
                                answer = Answer.JOIN;
                            } else if (eof) {
                                return; // demand will come
                            } else {
                                answer = read(); // drain what follows the payload
                            }
                        } else {
                            demanded = false;
                            ended = true;
                            answer = Answer.END;
                        }
                    } else if (form != null && decoded < filled && !payloadEnded && !stalled) {
                        answer = decode();
                    } else if (!eof) {
                        answer = read();
                    } else if (form != null && !payloadEnded) {
                        form.finish(); // throws: the form ended early
                        return;
                    } else {
                        return;
                    }
                } catch (MultipartException x) {
                    done = true;
                    if (!lent) {
                        returnChunk(); // else released() gives it back, once the pipe is done with it
                    }
                    failure = cause = x;
                    answer = joining && sender == null ? Answer.FAIL : Answer.REFUSE;
                } catch (IOException x) {
                    done = true;
                    if (!lent) {
                        returnChunk();
                    }
                    failure = cause = x;
                    answer = Answer.FAIL;
                }
            }
            switch (answer) {
                case CHUNK -> sender.onChunk(lending, release);
                case END -> sender.onEnd();
                case JOIN -> join();
                case FAIL -> {
                    // before the handle, attached() reports the failure to the pipe
                    if (sender != null) {
                        sender.onError(cause);
                    }
                    exchange.abort();
                    return;
                }
                case REFUSE -> {
                    refuse(sender, (MultipartException) cause);
                    return;
                }
                case WATCH -> watch();
                case KEEP_ALIVE -> {
                    sender.keepAlive(KEEP_ALIVE);
                    return; // demand will come
                }
                case WAIT -> {
                    return; // onDataAvailable will come
                }
                case NONE, MORE -> {
                    // go on
                }
            }
        }
    }

    /**
     * The payload read so far, as the direct chunk to lend the pipe now (lent once this returns; a chunk that could
     * not be had leaves nothing lent); under the lock.
     */
    private ByteBuffer lend() throws IOException {
        int from = payloadFrom;
        int to = payloadTo;
        payloadFrom = payloadTo = 0;
        if (direct != null) {
            // the bytes are in a direct chunk already: lend it as it is
            promoteEarly();
            chunk = filling.flip();
            filling = spare;
            spare = null;
            filled = 0;
            lent = true;
            return chunk;
        }
        // one copy per chunk, into a direct buffer: a heap buffer would be copied once per receiver, into the JDK's
        // temporary direct buffer, on every socket write
        if (chunk == null) {
            chunk = pool.acquire();
        }
        chunk.clear();
        chunk.put(array, from, to - from).flip();
        // the array is free again: the next chunk is read into it while this one is written
        if (form == null) {
            filled = 0;
        } else {
            // what the decoder left (a possible delimiter, bytes after the payload) moves up front
            System.arraycopy(array, decoded, array, 0, filled - decoded);
            filled -= decoded;
            decoded = 0;
        }
        lent = true;
        return chunk;
    }

    /** Reads what is there into the free end of the buffer; under the lock. */
    private Answer read() throws IOException {
        if (direct != null) {
            ByteBuffer into;
            if (!started) {
                if (early == null) {
                    early = ByteBuffer.allocate(Math.min(EARLY, capacity));
                }
                into = early;
            } else {
                promoteEarly();
                if (filling == null) {
                    filling = pool.acquire(); // the first read, or the next chunk's while one is lent (window 2)
                }
                into = filling;
            }
            if (!ready()) {
                return Answer.WAIT;
            }
            int read = direct.read(into);
            if (read < 0) {
                return ended();
            }
            filled = into.position();
            return Answer.NONE;
        }
        if (filled == array.length) {
            if (decoded == 0) {
                throw new IOException("the form's decoder made no progress in a full buffer");
            }
            System.arraycopy(array, decoded, array, 0, filled - decoded);
            filled -= decoded;
            decoded = 0;
        }
        int read;
        try {
            if (!ready()) {
                return Answer.WAIT;
            }
            read = in.read(array, filled, array.length - filled);
        } catch (IOException x) {
            if (payloadEnded) {
                // every payload byte is in: what is lost is the rest of the form, which nobody reads
                eof = true;
                return Answer.NONE;
            }
            throw x;
        }
        if (read < 0) {
            return ended();
        }
        if (payloadEnded && form != null) {
            return Answer.NONE; // after the payload: read and forgotten
        }
        filled += read;
        stalled = false;
        return Answer.NONE;
    }

    /**
     * True when a read may go ahead now; false when onDataAvailable (or onAllDataRead) is to come first; under the
     * lock. The pipe asks for the next chunk from any thread (a receiver's write completing, a timer), so isReady()
     * is called off Jetty's read callbacks too, as the servlet API allows. Jetty then throws IllegalStateException
     * when bytes arrived after an earlier isReady() said no and were read before its callback ran: the callback is
     * still coming, so this is a "not yet" (seen under churn, ReadCallbackHttpTest). Waiting for the callback
     * instead of asking again was tried: Jetty then sometimes never called back, and the transfer stalled.
     */
    private boolean ready() {
        try {
            return in.isReady();
        } catch (IllegalStateException callbackPending) {
            return false;
        }
    }

    /**
     * True when a read-ahead that is exactly full holds the whole body: the end is all that is left to read (a
     * body of exactly the read-ahead's size), so that its sender is watched as any sender whose body is in; under
     * the lock.
     */
    private boolean bodyEnds() throws IOException {
        if (!ready()) {
            return false;
        }
        if (in.isFinished()) {
            return true;
        }
        return direct != null ? direct.read(NO_ROOM) < 0 : in.read(array, filled, 0) < 0;
    }

    private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);

    /** The most bytes read ahead of demand: a little while the pipe waits, a chunk once it streams; under the lock. */
    private int readAheadLimit() {
        return direct != null && !started ? Math.min(EARLY, capacity) : capacity;
    }

    /**
     * Moves what was read ahead while the pipe waited into the direct chunk, once it streams; under the lock. The
     * chunk is empty then (nothing is read into it before), so the bytes keep their order.
     */
    private void promoteEarly() throws IOException {
        if (early == null) {
            return;
        }
        if (filling == null) {
            filling = pool.acquire();
        }
        filling.put(early.flip());
        early = null;
    }

    /** The request body has been read to its end; under the lock. */
    private Answer ended() {
        eof = true;
        if (form == null) {
            payloadEnded = true;
        }
        // the body is all in and the pipe still waits: watch the connection instead
        return handle != null && !demanded ? Answer.WATCH : Answer.NONE;
    }

    /** Feeds the bytes not yet decoded to the form's decoder; under the lock. */
    private Answer decode() throws MultipartException {
        int consumed = form.decode(array, decoded, filled);
        decoded += consumed;
        if (!form.headersKnown() && (beforeJoin += consumed) > MAX_BEFORE_PAYLOAD) {
            throw new MultipartException("The form's file does not start within its first "
                    + MAX_BEFORE_PAYLOAD / (1024 * 1024) + " MiB.");
        }
        if (form.hasPayload()) {
            if (form.payloadArray() != array) {
                // the form's only field is the payload: the form has ended, every raw byte is consumed
                int length = form.payloadTo() - form.payloadFrom();
                if (length > array.length) {
                    throw new MultipartException("The form's text field is over " + array.length + " bytes: send it"
                            + " as a file.");
                }
                System.arraycopy(form.payloadArray(), form.payloadFrom(), array, 0, length);
                filled = decoded = length;
                payloadFrom = 0;
                payloadTo = length;
            } else {
                payloadFrom = form.payloadFrom();
                payloadTo = form.payloadTo();
            }
        }
        payloadEnded = form.payloadEnded();
        if (payloadEnded && payloadTo == payloadFrom) {
            filled = decoded = 0;
        }
        if (handle == null && join != null && form.headersKnown()) {
            return Answer.JOIN;
        }
        stalled = consumed == 0 && !form.hasPayload();
        return stalled ? Answer.MORE : Answer.NONE;
    }

    private enum Answer { NONE, MORE, WAIT, CHUNK, END, JOIN, FAIL, REFUSE, WATCH, KEEP_ALIVE }

    private void join() {
        Join pending;
        synchronized (lock) {
            pending = join;
            join = null;
            joining = pending != null;
        }
        if (pending != null && !pending.join(form)) {
            synchronized (lock) {
                done = true;
            }
        }
    }

    /** The form's file did not start in time (its hold on the server expired): a 408, unless it has ended already. */
    void expire(String message) {
        synchronized (lock) {
            if (done || handle != null) {
                return;
            }
            done = true;
            if (!lent) {
                returnChunk();
            }
        }
        exchange.refuse(408, message);
    }

    /** A malformed form: before the pipe took the sender, a 400; after, a failed stream. */
    private void refuse(Sender sender, MultipartException failure) {
        if (sender == null) {
            exchange.refuse(400, failure.getMessage());
        } else {
            sender.onError(failure);
            exchange.abort();
        }
    }

    private void watch() {
        exchange.watch(() -> gone(new IOException("sender closed the connection")));
    }

    private void gone(Throwable cause) {
        Sender sender;
        synchronized (lock) {
            if (payloadEnded && started) {
                // every byte of the payload is already here: the transfer can finish without the sender
                return;
            }
            sender = handle;
            done = true;
            if (sender == null && failure == null) {
                // the pipe may be taking the sender right now: attached() reports this to it
                failure = cause;
            }
            if (!lent) {
                returnChunk();
            }
        }
        if (sender != null) {
            sender.onError(cause);
        }
        exchange.abort();
    }
}
