package dev.pipe.servlet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that an HTTP/1 client closed its connection while its request waits with nothing to read or write.
 *
 * <p>Jetty does not watch an HTTP/1.1 connection whose request is fully read and is being handled asynchronously
 * (jetty/jetty.project#824), so a receiver that gives up while the pipe waits would keep its slot forever. This
 * registers read interest on the connection's end point and treats end of stream as the client leaving.
 *
 * <p>Only for requests whose body has been read to the end (a {@code GET}, or a sender whose body is all in):
 * otherwise it would take the body from Jetty. The interest cannot be withdrawn, so Jetty closes the connection
 * after the response; callers send {@code Connection: close} to say so.
 */
final class ClientWatch implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(ClientWatch.class);

    private final EndPoint endPoint;
    private final Runnable onClosed;
    private final ByteBuffer scratch = ByteBuffer.allocate(256);

    private ClientWatch(EndPoint endPoint, Runnable onClosed) {
        this.endPoint = endPoint;
        this.onClosed = onClosed;
    }

    /** Starts watching an HTTP/1 connection's end point; false when Jetty would not take the interest. */
    static boolean watch(EndPoint endPoint, Runnable onClosed) {
        return endPoint.tryFillInterested(new ClientWatch(endPoint, onClosed));
    }

    @Override
    public void succeeded() {
        try {
            scratch.clear().flip();
            int filled = endPoint.fill(scratch);
            if (filled < 0) {
                LOG.debug("client closed the connection");
                onClosed.run();
            } else if (filled == 0) {
                endPoint.tryFillInterested(this);
            } else {
                // bytes after a complete request (a pipelined request): we cannot give them back, so stop
                // watching; the response says Connection: close
                LOG.debug("unexpected {} bytes after the request; no longer watching", filled);
            }
        } catch (IOException x) {
            LOG.debug("connection failed", x);
            onClosed.run();
        }
    }

    @Override
    public void failed(Throwable cause) {
        LOG.debug("watch failed", cause);
        onClosed.run();
    }

    @Override
    public InvocationType getInvocationType() {
        // what runs on a hang-up (a pipe dropping a party, and maybe more of the transfer after it) is no work for
        // the selector thread: let Jetty hand it to its pool
        return InvocationType.BLOCKING;
    }
}
