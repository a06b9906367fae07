package dev.pipe.servlet;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A receiver over the JDK {@code HttpClient} (HTTP/1.1) that consumes its body as it streams, on a thread of its
 * own: it counts and digests the bytes, keeps them only when asked, and lets a test wait for a byte count.
 */
public final class StreamingReceiver {

    private final String name;
    private final boolean keep;
    private final LongSupplier probe;
    private final Thread thread;
    private final MessageDigest digest = TestData.sha256();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    // guarded by this
    private long count;
    private int status = -1;
    private HttpHeaders headers;
    private long probedAtFirstLine = -1;
    private boolean done;
    private Throwable failure;
    private byte[] sha;

    private StreamingReceiver(TestServer server, URI uri, String name, boolean keep, LongSupplier probe) {
        this.name = name;
        this.keep = keep;
        this.probe = probe;
        this.thread = new Thread(() -> run(server, uri), "receiver-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts {@code GET path?n=receivers}; keeps the bytes when {@code keep}. */
    public static StreamingReceiver start(TestServer server, String path, int receivers, boolean keep) {
        return new StreamingReceiver(server, server.uri(path, receivers), path, keep, null);
    }

    /** As {@link #start}, and samples {@code probe} when the first whole line has arrived. */
    public static StreamingReceiver start(TestServer server, String path, int receivers, LongSupplier probe) {
        return new StreamingReceiver(server, server.uri(path, receivers), path, true, probe);
    }

    private void run(TestServer server, URI uri) {
        try {
            HttpResponse<InputStream> response = server.client().send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            synchronized (this) {
                status = response.statusCode();
                headers = response.headers();
                notifyAll();
            }
            byte[] buffer = new byte[64 * 1024];
            try (InputStream body = response.body()) {
                for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                    digest.update(buffer, 0, n);
                    if (keep) {
                        kept.write(buffer, 0, n);
                    }
                    boolean newline = false;
                    for (int i = 0; probe != null && i < n && !newline; i++) {
                        newline = buffer[i] == '\n';
                    }
                    synchronized (this) {
                        if (newline && probedAtFirstLine < 0) {
                            probedAtFirstLine = probe.getAsLong();
                        }
                        count += n;
                        notifyAll();
                    }
                }
            }
            synchronized (this) {
                sha = digest.digest();
            }
        } catch (Throwable x) {
            synchronized (this) {
                failure = x;
            }
        } finally {
            synchronized (this) {
                done = true;
                notifyAll();
            }
        }
    }

    /** Bytes of body read so far. */
    public synchronized long count() {
        return count;
    }

    /** Waits until at least {@code bytes} bytes of body have arrived. */
    public synchronized void awaitCount(long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
        while (count < bytes) {
            long left = deadline - System.nanoTime();
            if (done || left <= 0) {
                throw new AssertionError("receiver " + name + (done ? " ended" : " timed out") + " with " + count
                        + " of the " + bytes + " bytes awaited (status " + status + ")", failure);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits for the end of the exchange (normal or not) and returns what this receiver got. */
    public Result await() throws InterruptedException {
        return await(TestServer.LONG_WAIT);
    }

    /** As {@link #await()}, for transfers that may take longer than {@link TestServer#LONG_WAIT}. */
    public Result await(java.time.Duration limit) throws InterruptedException {
        thread.join(limit.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("receiver " + name + " did not finish within " + limit + "; it has " + count()
                    + " bytes");
        }
        synchronized (this) {
            return new Result(name, status, headers, count, sha, keep ? kept.toByteArray() : null, failure,
                    probedAtFirstLine);
        }
    }

    /**
     * What a receiver got: {@code sha256} is null and {@code failure} set when its body was cut off.
     *
     * @param probedAtFirstLine the probe's value when the first line arrived, or -1
     */
    public record Result(String name, int status, HttpHeaders headers, long count, byte[] sha256, byte[] bytes,
                  Throwable failure, long probedAtFirstLine) {

        /** Fails unless the exchange ended normally with status 200. */
        public Result assertOk() {
            if (failure != null || status != 200) {
                throw new AssertionError("receiver " + name + ": status " + status + " after " + count + " bytes",
                        failure);
            }
            return this;
        }
    }
}
