package dev.pipe.servlet.fake;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.WriteListener;
import java.util.ArrayList;
import java.util.List;

/**
 * A read, write and async listener at once that only records what the container tells it, for tests of the fakes
 * and for tests that stand in for a servlet. The rule: a callback is recorded as it is delivered, nothing else
 * happens, except that {@link #throwOnData} makes {@code onDataAvailable} throw (the container answers with
 * {@code onError}).
 *
 * <p>Events read {@code onDataAvailable}, {@code onAllDataRead}, {@code onWritePossible}, {@code onError: <message>}
 * (read or write), {@code onComplete}, {@code onTimeout}, {@code async onError: <message>}.
 */
public final class RecordingListener implements ReadListener, WriteListener, AsyncListener {

    private final List<String> events = new ArrayList<>();
    private RuntimeException onData;

    /** The events so far; a live view, which the listener keeps adding to. */
    public List<String> events() {
        return events;
    }

    /** Makes every later onDataAvailable throw {@code failure} instead of recording. */
    public void throwOnData(RuntimeException failure) {
        onData = failure;
    }

    @Override
    public void onDataAvailable() {
        if (onData != null) {
            throw onData;
        }
        events.add("onDataAvailable");
    }

    @Override
    public void onAllDataRead() {
        events.add("onAllDataRead");
    }

    @Override
    public void onWritePossible() {
        events.add("onWritePossible");
    }

    @Override
    public void onError(Throwable failure) {
        events.add("onError: " + failure.getMessage());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        events.add("onComplete");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        events.add("onTimeout");
    }

    @Override
    public void onError(AsyncEvent event) {
        events.add("async onError: " + event.getThrowable().getMessage());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        events.add("onStartAsync");
    }
}
