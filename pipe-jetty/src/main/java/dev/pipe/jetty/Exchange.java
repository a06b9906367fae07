package dev.pipe.jetty;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One asynchronous request/response of a pipe party: holds the {@link AsyncContext}, lifts the connection's idle
 * timeout for as long as the pipe's own timeouts govern, and ends the exchange exactly once, normally or by abort.
 */
final class Exchange implements AsyncListener {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    final HttpServletRequest request;
    final HttpServletResponse response;
    final AsyncContext async;
    private final EndPoint endPoint;
    private final long savedIdleTimeout;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable onGone = () -> { };
    private volatile Runnable onEnded = () -> { };

    Exchange(HttpServletRequest request, HttpServletResponse response, Duration idleTimeout) {
        this.request = request;
        this.response = response;
        this.async = request.startAsync();
        async.setTimeout(0); // the pipe owns expiry
        async.addListener(this);
        // A paused sender or a blocked receiver leaves a read or write pending for as long as the pipe allows;
        // the connector's idle timeout (30 s by default) must not cut it: the core's idle timeout does.
        this.endPoint = ClientWatch.http1EndPoint(request);
        this.savedIdleTimeout = endPoint == null ? 0 : endPoint.getIdleTimeout();
        if (endPoint != null) {
            endPoint.setIdleTimeout(idleTimeout.toMillis());
        }
    }

    /** What to do when the container reports the client gone. */
    void onGone(Runnable action) {
        this.onGone = action;
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
            LOG.debug("completing {} {}", request.getMethod(), this);
            restoreIdleTimeout();
            try {
                async.complete();
            } catch (RuntimeException x) {
                LOG.debug("complete failed", x);
            }
            onEnded.run();
        }
    }

    /** Cuts the exchange off, so that the client sees an incomplete response rather than a clean end. */
    void abort() {
        if (ended.compareAndSet(false, true)) {
            LOG.debug("aborting {} {} (committed: {})", request.getMethod(), this, response.isCommitted());
            try {
                response.sendError(-1); // Jetty: abort the exchange, no error page
            } catch (Exception x) {
                LOG.debug("abort failed", x);
            }
            if (endPoint != null) {
                // HTTP/1: close the connection, so that the client cannot mistake the cut for an end
                endPoint.close();
            }
            onEnded.run();
        }
    }

    private void restoreIdleTimeout() {
        if (endPoint != null && savedIdleTimeout > 0) {
            endPoint.setIdleTimeout(savedIdleTimeout);
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        ended.set(true);
        onEnded.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        onGone.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        onGone.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
