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

/**
 * A sender over a non-blocking servlet request ({@link SenderPort} and {@link ReadListener}): the request body is
 * the stream, the response body the sender's progress lines.
 *
 * <p>The sender owns one buffer of the pipe's chunk size. It reads into it while the buffer is its own, lends it
 * to the core on demand, and reads again only when the core has released it. While the pipe waits it may read the
 * first chunk ahead, so that a client that leaves early is noticed.
 */
final class ServletSender implements SenderPort, ReadListener {

    private final Exchange exchange;
    private final ServletInputStream in;
    private final ResponseWriter writer;
    private final ProgressWriter progress;
    private final byte[] array;
    private final ByteBuffer chunk;
    private final Object lock = new Object();

    // guarded by lock
    private Sender handle;
    private boolean listening;
    private boolean demanded;
    private boolean lent;
    private boolean eof;
    private boolean started;   // demand has come: the pipe is established
    private boolean done;
    private int filled;

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

    ServletSender(Exchange exchange, int chunkSize, boolean http10) throws IOException {
        this.exchange = exchange;
        this.in = exchange.request.getInputStream();
        ResponseWriter writer = new ResponseWriter(exchange.response.getOutputStream(), this::gone);
        this.writer = writer;
        this.progress = new ProgressWriter(exchange, writer, http10);
        this.array = new byte[chunkSize];
        this.chunk = ByteBuffer.wrap(array);
        exchange.onGone(() -> gone(new IOException("sender gone")));
    }

    /** Called once the core accepted the sender (and its response headers are set): go non-blocking. */
    void attached(Sender sender) {
        synchronized (lock) {
            handle = sender;
        }
        writer.start();
        in.setReadListener(this);
        synchronized (lock) {
            listening = true;
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
        progress.line("[ERROR] " + failure.getMessage());
        progress.finish();
    }

    @Override
    public void onDataAvailable() {
        pump();
    }

    @Override
    public void onAllDataRead() {
        pump();
    }

    @Override
    public void onError(Throwable cause) {
        gone(cause);
    }

    private void released() {
        synchronized (lock) {
            lent = false;
            filled = 0;
        }
        pump();
    }

    private void finish() {
        synchronized (lock) {
            done = true;
        }
    }

    /** Reads while the buffer is ours, and answers demand; never waits. */
    private void pump() {
        for (;;) {
            Sender sender;
            Answer answer = Answer.NONE;
            Throwable failure = null;
            synchronized (lock) {
                if (done || !listening || lent) {
                    return;
                }
                sender = handle;
                if (demanded && filled > 0) {
                    demanded = false;
                    lent = true;
                    chunk.limit(filled).position(0);
                    answer = Answer.CHUNK;
                } else if (demanded && eof) {
                    demanded = false;
                    done = true;
                    answer = Answer.END;
                } else if (!eof && filled < array.length) {
                    try {
                        if (!in.isReady()) {
                            return; // onDataAvailable will come
                        }
                        int read = in.read(array, filled, array.length - filled);
                        if (read < 0) {
                            eof = true;
                            // the body is all in and the pipe still waits: watch the connection instead
                            answer = demanded ? Answer.NONE : Answer.WATCH;
                        } else {
                            filled += read;
                        }
                    } catch (IOException x) {
                        done = true;
                        failure = x;
                        answer = Answer.FAIL;
                    }
                } else {
                    return;
                }
            }
            switch (answer) {
                case CHUNK -> sender.onChunk(chunk, release);
                case END -> {
                    sender.onEnd();
                    return;
                }
                case FAIL -> {
                    sender.onError(failure);
                    exchange.abort();
                    return;
                }
                case WATCH -> ClientWatch.watch(exchange.request,
                        () -> gone(new IOException("sender closed the connection")));
                case NONE -> {
                    // read more
                }
            }
        }
    }

    private enum Answer { NONE, CHUNK, END, FAIL, WATCH }

    private void gone(Throwable cause) {
        Sender sender;
        synchronized (lock) {
            if (eof && started) {
                // every byte of the body is already here: the transfer can finish without the sender
                return;
            }
            sender = handle;
            done = true;
        }
        if (sender != null) {
            sender.onError(cause);
        }
        exchange.abort();
    }
}
