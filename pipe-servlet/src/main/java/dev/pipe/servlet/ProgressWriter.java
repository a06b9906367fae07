package dev.pipe.servlet;

import dev.pipe.core.Completion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The sender's response: lines of progress, each written and flushed as it comes, then the end of the exchange:
 * a clean one ({@link #finish()}), or, for a transfer that failed, its {@code [ERROR]} line and then a cut
 * ({@link #fail}). An HTTP/1.0 sender cannot take a chunked response, so for it the lines are kept and written at the
 * end, with a {@code Content-Length}: one byte more than is written when the transfer failed, so that the response
 * is seen short.
 */
final class ProgressWriter {

    private final Exchange exchange;
    private final ResponseWriter writer;
    private final boolean buffered;
    private final Object lock = new Object();

    // guarded by lock
    private final StringBuilder pending = new StringBuilder();
    private boolean writing;
    private boolean finishing;
    private Runnable cut;        // the transfer failed: run once its last line is out, instead of completing
    private boolean closed;

    private final Completion written = new Completion() {
        @Override
        public void succeeded() {
            synchronized (lock) {
                writing = false;
            }
            next();
        }

        @Override
        public void failed(Throwable cause) {
            synchronized (lock) {
                writing = false;
                closed = true;
            }
            exchange.abort();
        }
    };

    ProgressWriter(Exchange exchange, ResponseWriter writer, boolean buffered) {
        this.exchange = exchange;
        this.writer = writer;
        this.buffered = buffered;
    }

    /** Queues one line ({@code [INFO] ...}) and writes it as soon as the previous write is done. */
    void line(String line) {
        synchronized (lock) {
            if (closed || finishing) {
                return;
            }
            pending.append(line).append('\n');
        }
        next();
    }

    /** Writes what is queued, then ends the exchange normally. */
    void finish() {
        synchronized (lock) {
            if (finishing) {
                return;
            }
            finishing = true;
        }
        next();
    }

    /** Writes what is queued and {@code errorLine}, then runs {@code cut} (which ends the exchange cut off). */
    void fail(String errorLine, Runnable cut) {
        synchronized (lock) {
            if (finishing) {
                return;
            }
            pending.append(errorLine).append('\n');
            finishing = true;
            this.cut = cut;
        }
        next();
    }

    private void next() {
        ByteBuffer bytes = null;
        boolean complete = false;
        Runnable cutNow = null;
        synchronized (lock) {
            if (closed || writing || (buffered && !finishing)) {
                return;
            }
            if (exchange.isEnded()) {
                // cut off already (its client left) or ended by the container: its response is not ours to touch
                // any more (Tomcat may have given it to another connection); a cut still runs, so that the sender's
                // machine reaches its end
                closed = true;
                cutNow = cut;
            } else if (pending.length() > 0) {
                byte[] text = pending.toString().getBytes(StandardCharsets.UTF_8);
                pending.setLength(0);
                if (buffered) {
                    exchange.response.setContentLength(cut == null ? text.length : text.length + 1);
                }
                bytes = ByteBuffer.wrap(text);
                writing = true;
            } else if (finishing) {
                closed = true;
                complete = cut == null;
                cutNow = cut;
            }
        }
        if (bytes != null) {
            writer.write(bytes, written);
        } else if (complete) {
            exchange.complete();
        } else if (cutNow != null) {
            cutNow.run();
        }
    }
}
