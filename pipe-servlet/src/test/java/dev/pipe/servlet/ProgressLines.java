package dev.pipe.servlet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sender's progress lines, read on a thread of their own as the server streams them, so that a test can wait for
 * a line (an event) before it goes on.
 */
public final class ProgressLines {

    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private boolean ended;
    private Throwable failure;

    private ProgressLines(InputStream body, String name) {
        reader = new Thread(() -> read(body), "progress-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts reading {@code body} line by line. */
    public static ProgressLines read(InputStream body, String name) {
        return new ProgressLines(body, name);
    }

    private void read(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException x) {
            synchronized (this) {
                failure = x;
            }
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits until {@code line} has been seen {@code times} times. */
    public synchronized void await(String line, int times) throws InterruptedException {
        long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
        while (count(line) < times) {
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new AssertionError((ended ? "the progress ended" : "timed out") + " before " + times
                        + " x '" + line + "'; got " + lines + (failure == null ? "" : ", failure " + failure));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    public void await(String line) throws InterruptedException {
        await(line, 1);
    }

    /** Waits for the end of the body and returns every line; fails if reading it failed. */
    public synchronized List<String> awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for the end of the progress; got " + lines);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (failure != null) {
            throw new AssertionError("reading the progress failed after " + lines, failure);
        }
        return List.copyOf(lines);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    private int count(String line) {
        int count = 0;
        for (String seen : lines) {
            if (seen.equals(line)) {
                count++;
            }
        }
        return count;
    }
}
