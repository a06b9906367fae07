package dev.pipe.jetty;

import dev.pipe.core.Completion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The sender's response: lines of progress, each written and flushed as it comes, then the end of the exchange.
 * An HTTP/1.0 sender cannot take a chunked response, so for it the lines are kept and written at the end, with a
 * {@code Content-Length}.
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

    private void next() {
        ByteBuffer bytes = null;
        boolean complete = false;
        synchronized (lock) {
            if (closed || writing || (buffered && !finishing)) {
                return;
            }
            if (pending.length() > 0) {
                byte[] text = pending.toString().getBytes(StandardCharsets.UTF_8);
                pending.setLength(0);
                if (buffered) {
                    exchange.response.setContentLength(text.length);
                }
                bytes = ByteBuffer.wrap(text);
                writing = true;
            } else if (finishing) {
                closed = true;
                complete = true;
            }
        }
        if (bytes != null) {
            writer.write(bytes, written);
        } else if (complete) {
            exchange.complete();
        }
    }
}
