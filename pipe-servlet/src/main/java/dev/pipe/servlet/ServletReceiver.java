package dev.pipe.servlet;

import dev.pipe.core.Completion;
import dev.pipe.core.PipeException;
import dev.pipe.core.Receiver;
import dev.pipe.core.ReceiverPort;
import dev.pipe.core.TransferInfo;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A receiver over a non-blocking servlet response ({@link ReceiverPort}): the pipe's chunks become the response
 * body, written one at a time through a {@link ResponseWriter}.
 *
 * <pre>
 *   WAITING ──begin (status and headers set)──▶ STREAMING
 *      │                                            │
 *      │ abort: an error status and one line;       │ abort: cut off, so that the body is seen incomplete;
 *      │ complete; the client gone                  │ complete; the client gone
 *      └──────────────────────▶ OVER ◀──────────────┘
 * </pre>
 *
 * <p>Threads: the pipe calls the port from any thread, one call at a time, possibly before {@link #attached}; the
 * container reports the client gone on its own threads. The phase changes atomically (one reference), so that the
 * exchange is ended once, whichever comes first; the handle and the byte counts are written by one thread and read
 * by others.
 */
final class ServletReceiver implements ReceiverPort {

    enum Phase { WAITING, STREAMING, OVER }

    private final Exchange exchange;
    private final ResponseWriter writer;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);
    private volatile Receiver handle;
    private volatile long length = -1;   // the announced Content-Length, or -1
    private volatile long issued;        // bytes handed to the writer (written by the pipe's drain only)

    ServletReceiver(Exchange exchange) throws IOException {
        this.exchange = exchange;
        this.writer = new ResponseWriter(exchange.container, exchange.response.getOutputStream(), x -> gone(x));
        exchange.onGone(this::gone);
    }

    /**
     * Called once the core accepted the receiver: go non-blocking and watch for the client leaving. Over already
     * (the client left before the core had the receiver, so {@link #gone} had no handle to tell; or the pipe ended
     * it): the core hears of it, and nothing is watched. Read before the writer starts, since the writes it starts
     * may carry the whole transfer to its end on this thread or another, and that end is not the client leaving; the
     * writer starts either way, so that what was queued (the line of a receiver refused before now) is written.
     */
    void attached(Receiver receiver) {
        this.handle = receiver;
        boolean over = phase.get() == Phase.OVER;
        writer.start();
        if (over) {
            receiver.onDisconnect(new IOException("receiver gone"));
            return;
        }
        exchange.watch(() -> gone(new IOException("receiver closed the connection")));
    }

    @Override
    public void begin(TransferInfo info) {
        HttpServletResponse response = exchange.response;
        response.setStatus(200);
        Responses.common(response);
        // bytes a sender chose must never run script on the host application's origin
        response.setHeader("Content-Security-Policy", "sandbox");
        exchange.endConnection();
        for (Map.Entry<String, List<String>> header : info.metadata().entrySet()) {
            for (String value : header.getValue()) {
                exchange.container.addExact(response, header.getKey(), value);
            }
        }
        if (info.contentLength() >= 0) {
            response.setContentLengthLong(info.contentLength());
            length = info.contentLength();
        } else {
            exchange.frameUnknownLength();
        }
        String exposed = Forwarding.exposedHeaders(info);
        if (!exposed.isEmpty()) {
            response.setHeader("Access-Control-Expose-Headers", exposed);
        }
        phase.compareAndSet(Phase.WAITING, Phase.STREAMING);
    }

    @Override
    public void write(ByteBuffer chunk, Completion done) {
        issued += chunk.remaining();
        if (length >= 0 && issued >= length) {
            writer.write(chunk, lastOfTheLength(done));
        } else {
            writer.write(chunk, done);
        }
    }

    /**
     * The last write of a response with a Content-Length: once its bytes went into the container's write, a failure
     * after it is the client hanging up with every byte it was promised (over HTTP/2 the stream's end goes with the
     * last byte, and the client may close before the container reports the write done), not a receiver lost.
     */
    private Completion lastOfTheLength(Completion done) {
        return new Completion() {
            @Override
            public void succeeded() {
                done.succeeded();
            }

            @Override
            public void failed(Throwable cause) {
                if (writer.handedOver()) {
                    done.succeeded();
                } else {
                    done.failed(cause);
                }
            }
        };
    }

    @Override
    public void complete(Completion done) {
        // from here on the connection's end is ours (Jetty ends a watched connection after the response)
        phase.set(Phase.OVER);
        exchange.complete();
        done.succeeded();
    }

    @Override
    public void abort(PipeException reason) {
        if (phase.getAndSet(Phase.OVER) != Phase.WAITING) {
            exchange.abort();
            writer.abandon(reason);
            return;
        }
        exchange.endConnection();
        byte[] body = Responses.prepareError(exchange.container, exchange.response, StatusMapping.status(reason.reason()),
                reason.getMessage());
        writer.write(ByteBuffer.wrap(body), new Completion() {
            @Override
            public void succeeded() {
                exchange.complete();
            }

            @Override
            public void failed(Throwable cause) {
                exchange.abort();
            }
        });
    }

    private void gone(Throwable cause) {
        long expected = length;
        if (expected >= 0 && issued >= expected && (writer.handedOver() || !writer.failed())) {
            // A client that has its Content-Length may hang up before our end (over HTTP/2 it has the stream's end
            // with the last byte): every byte is given to the writer, and the last write decides. Its bytes went into
            // the container's write: the client had every byte (lastOfTheLength); it is still to be written: it
            // succeeds, or it fails before the container took the bytes, and the writer reports that loss here again.
            return;
        }
        if (phase.getAndSet(Phase.OVER) == Phase.OVER) {
            return;
        }
        Receiver receiver = handle;
        if (receiver != null) {
            receiver.onDisconnect(cause);
        }
        if (!exchange.isEnded()) {
            exchange.abort();
        }
        writer.abandon(cause);
    }
}
