package dev.pipe.servlet.fake;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The async context of a fake exchange. The rule: an exchange completes once ({@code complete()} again throws
 * {@link IllegalStateException}, as containers do), and the container's news ({@link #clientGone}, {@link #expire},
 * {@code onComplete}, {@link #start}) reaches the listeners only when the test runs its {@link Steps}.
 *
 * <p>{@code complete()} owes {@code AsyncListener.onComplete}; once complete, an owed {@code onError} or
 * {@code onTimeout} delivers nothing. Not modelled: the error dispatch a container makes when no listener completes
 * after {@code onError} or {@code onTimeout}. {@code dispatch} is unsupported. An {@link IOException} a listener
 * throws reaches the test as an {@link UncheckedIOException}.
 */
public final class FakeAsyncContext implements AsyncContext {

    private final ServletRequest request;
    private final ServletResponse response;
    private final Steps steps;
    // guarded by this
    private final List<AsyncListener> listeners = new ArrayList<>();
    private long timeout = 30_000;
    private boolean completed;

    /** The async context of {@code request}, whose callbacks are owed on {@code steps}. */
    public FakeAsyncContext(ServletRequest request, ServletResponse response, Steps steps) {
        this.request = request;
        this.response = response;
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** The client is gone: {@code AsyncListener.onError(cause)} is owed. */
    public void clientGone(Throwable cause) {
        steps.add(() -> label("AsyncListener.onError"), () -> notify("onError", cause));
    }

    /** The async timeout elapses: {@code AsyncListener.onTimeout} is owed; a timeout of 0 or less never elapses. */
    public synchronized void expire() {
        if (timeout <= 0) {
            throw new IllegalStateException("the timeout is " + timeout + ": this exchange never times out");
        }
        steps.add(() -> label("AsyncListener.onTimeout"), () -> notify("onTimeout", null));
    }

    /** True once complete() was called. */
    public synchronized boolean completed() {
        return completed;
    }

    /** The listeners added, in order. */
    public synchronized List<AsyncListener> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public void complete() {
        synchronized (this) {
            if (completed) {
                throw new IllegalStateException("already completed");
            }
            completed = true;
        }
        steps.add("AsyncListener.onComplete", () -> notify("onComplete", null));
    }

    @Override
    public void start(Runnable run) {
        steps.add("AsyncContext.start", Objects.requireNonNull(run, "run"));
    }

    @Override
    public synchronized void addListener(AsyncListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        addListener(listener);
    }

    @Override
    public synchronized void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    @Override
    public synchronized long getTimeout() {
        return timeout;
    }

    @Override
    public ServletRequest getRequest() {
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        return response;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return true;
    }

    @Override
    public void dispatch() {
        throw new UnsupportedOperationException("AsyncContext.dispatch()");
    }

    @Override
    public void dispatch(String path) {
        throw new UnsupportedOperationException("AsyncContext.dispatch(String)");
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        throw new UnsupportedOperationException("AsyncContext.dispatch(ServletContext, String)");
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) {
        throw new UnsupportedOperationException("AsyncContext.createListener(Class)");
    }

    private synchronized String label(String callback) {
        return completed ? callback + " (exchange complete: nothing delivered)" : callback;
    }

    private void notify(String callback, Throwable cause) {
        List<AsyncListener> targets;
        synchronized (this) {
            if (completed && !callback.equals("onComplete")) {
                return;
            }
            targets = List.copyOf(listeners);
        }
        AsyncEvent event = new AsyncEvent(this, request, response, cause);
        try {
            for (AsyncListener listener : targets) {
                switch (callback) {
                    case "onComplete" -> listener.onComplete(event);
                    case "onTimeout" -> listener.onTimeout(event);
                    default -> listener.onError(event);
                }
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    @Override
    public synchronized String toString() {
        return "FakeAsyncContext[completed=" + completed + " listeners=" + listeners.size() + " timeout=" + timeout
                + "]";
    }
}
