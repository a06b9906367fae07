package dev.pipe.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import dev.pipe.core.PipeException;
import dev.pipe.core.PipeRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One asynchronous request/response of a pipe party: holds the {@link AsyncContext}, lifts the idle timeout of its
 * connection (HTTP/1) or its stream (HTTP/2) for as long as the pipe's own timeouts govern, tells its party when the
 * client is gone, and ends the exchange exactly once, normally or by abort.
 *
 * <p>Threads: the container reports the client gone on its own threads, through the {@link AsyncListener} and, over
 * HTTP/2, the stream's own failure ({@link Container#watchStream}), which may come while the servlet still handles the
 * request, even before the party has set {@link #onGone}: it is kept (a volatile field) and told to the party when it
 * does. Either side reads what the other wrote, so it is told at least once.
 */
final class Exchange implements AsyncListener {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    final HttpServletRequest request;
    final HttpServletResponse response;
    final AsyncContext async;
    final Container container;
    final Wire wire;
    private final Container.Connection connection;
    private final long savedIdleTimeout;
    private final String method;   // for the log: the request may be recycled once the client has gone
    private final PipeRegistry registry;   // told of a refusal
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Consumer<IOException> onGone = gone -> { };
    private volatile IOException streamFailed;   // a failure of the stream told before onGone was set, or null
    private volatile Runnable onEnded = () -> { };

    Exchange(HttpServletRequest request, HttpServletResponse response, Container container, Duration idleTimeout,
             PipeRegistry registry) {
        this.request = request;
        this.registry = registry;
        this.response = response;
        this.method = request.getMethod();
        this.async = request.startAsync();
        async.setTimeout(0); // the pipe owns expiry
        async.addListener(this);
        // A paused sender or a blocked receiver leaves a read or write pending for as long as the pipe allows;
        // the connector's idle timeout (30 s by default) must not cut it: the core's idle timeout does.
        this.container = container;
        this.wire = Wire.of(request);
        this.connection = wire.ownsConnection() ? container.connection(request) : Container.Connection.NONE;
        this.savedIdleTimeout = connection.idleTimeout(idleTimeout.toMillis());
        if (!wire.ownsConnection()) {
            container.streamIdleTimeout(idleTimeout.toMillis()); // HTTP/2: the stream's own, not the connection's
            container.watchStream(this::streamFailed);
        }
    }

    /**
     * Frames a response body whose length is not known, so that the client can tell a cut from an end: the wire says
     * whether it needs framing (chunked over HTTP/1.1), the container whether it must be asked for it (Jetty sends a
     * response that ends its connection unframed unless told; Tomcat frames it by itself, and a header set by hand
     * would make it send the body unframed).
     */
    void frameUnknownLength() {
        if (wire.framesUnknownLength()) {
            container.chunked(response);
        }
    }

    /**
     * Ends the connection with this response where the container needs it (Jetty: a watched connection cannot be
     * unwatched, and a sender's unread body cannot be skipped), and then says so ({@code Connection: close}) and makes
     * sure of it: a request pipelined after this one is not served ({@link #pipelinedAfterAnEnd}). Elsewhere the
     * container keeps or closes the connection as HTTP/1.1 has it.
     */
    void endConnection() {
        if (wire.ownsConnection() && connection.endWithExchange()) {
            response.setHeader("Connection", "close");
        }
    }

    /**
     * True for a request pipelined on a connection whose earlier exchange ended it: the client was told the
     * connection closes, so the request is not served (it would be a party nobody is there for).
     */
    static boolean pipelinedAfterAnEnd(HttpServletRequest request, Container container) {
        return Wire.of(request).ownsConnection() && container.connection(request).endedEarlier();
    }

    /** Reads the rest of the request up to {@code bytes} at a time where the container allows it (HTTP/1 on Jetty). */
    void readSize(int bytes) {
        connection.readSize(bytes);
    }

    /** Reads as the connector does again: the exchange no longer streams. */
    void readAsTheConnectorDoes() {
        connection.readAsTheConnectorDoes();
    }

    /** Watches the connection of a request whose body is all read; false when there is no connection to watch. */
    boolean watch(Runnable onClosed) {
        return connection.watch(onClosed);
    }

    /**
     * What to do when the container reports the client gone (or the exchange failed), with why as it said; at once
     * when the stream failed already. It may be told more than once (make it idempotent).
     */
    void onGone(Consumer<IOException> action) {
        this.onGone = action;
        IOException failed = streamFailed;
        if (failed != null) {
            action.accept(failed);
        }
    }

    /** The container failed the stream (HTTP/2), possibly while the request is still being handled. */
    private void streamFailed(Throwable failure) {
        IOException gone = new IOException("the container failed the request", failure);
        streamFailed = gone;
        onGone.accept(gone);
    }

    /** What to do once the exchange has ended, whichever way (it may run more than once: make it idempotent). */
    void onEnded(Runnable action) {
        this.onEnded = action;
    }

    boolean isEnded() {
        return ended.get();
    }

    /** Ends the exchange normally: whatever was written is the whole response. */
    void complete() {
        if (ended.compareAndSet(false, true)) {
            LOG.debug("completing {} {}", method, this);
            restoreIdleTimeout();
            try {
                async.complete();
            } catch (RuntimeException x) {
                LOG.debug("complete failed", x);
            }
            onEnded.run();
        }
    }

    /**
     * Refuses the party after {@code startAsync}, before anything was written or a write listener set: its status
     * and one line, then the end of the exchange; cut off instead when even that cannot be written.
     */
    void refuse(PipeException refusal) {
        registry.refused(StatusMapping.status(refusal.reason()), refusal.reason());
        endConnectionForItsBody();
        try {
            Responses.refuse(container, response, refusal);
            complete();
        } catch (IOException | RuntimeException x) {
            LOG.debug("refusal not written", x);
            abort();
        }
    }

    /** As {@link #refuse(PipeException)}, with a status and a line of the adapter's own. */
    void refuse(int status, String message) {
        registry.refused(status, null);
        endConnectionForItsBody();
        try {
            Responses.sendError(container, response, status, message);
            complete();
        } catch (IOException | RuntimeException x) {
            LOG.debug("refusal not written", x);
            abort();
        }
    }

    /** How long a failed exchange may take to get its last line out and the client's rest in, once nothing moves. */
    static final Duration CUT_OFF_IDLE = Duration.ofSeconds(5);

    /**
     * Begins to end a response that is to be seen cut off after its last line: from now on the connection may be
     * idle for {@link #CUT_OFF_IDLE} at most (the line not taken, or nothing more of the body), after which the
     * container fails it.
     */
    void cutOffSoon() {
        if (!ended.get()) {
            connection.idleTimeout(CUT_OFF_IDLE.toMillis());
        }
    }

    /**
     * Shuts the output after what was written: the client reads it all, then the connection's end without the body's
     * end (HTTP/1.1: no last chunk; HTTP/1.0: short of its Content-Length), so it knows the response was cut off.
     * What it still sends is to be drained, then {@link #abort()}: closing with its bytes unread would reset the
     * connection, and a reset may destroy what the client has not read yet. False when the output cannot be shut
     * this way (no connection handle): abort at once then.
     */
    boolean shutOutput() {
        return !ended.get() && connection.shutdownOutput();
    }

    /**
     * A refused request's body is not read: a request that has one ends its connection with the refusal, as an
     * accepted sender's does ({@link #endConnection}). Left to Jetty, a body that arrived while a refusal completed was
     * now and then (a few times in a thousand refusals) parsed as the start of the connection's next request.
     */
    private void endConnectionForItsBody() {
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            endConnection();
        }
    }

    /** Cuts the exchange off, so that the client sees an incomplete response rather than a clean end. */
    void abort() {
        if (ended.compareAndSet(false, true)) {
            LOG.debug("aborting {} {}", method, this);
            container.abort(response, async);
            // HTTP/1: close the connection, so that the client cannot mistake the cut for an end
            connection.close();
            onEnded.run();
        }
    }

    private void restoreIdleTimeout() {
        if (savedIdleTimeout > 0) {
            connection.idleTimeout(savedIdleTimeout);
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        ended.set(true);
        onEnded.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        onGone.accept(new IOException("the container timed the request out"));
    }

    @Override
    public void onError(AsyncEvent event) {
        // the container's cause is kept: a read that found no memory for its buffer is the server's failure
        onGone.accept(new IOException("the container failed the request", event.getThrowable()));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
