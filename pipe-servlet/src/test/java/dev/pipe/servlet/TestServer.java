package dev.pipe.servlet;

import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeObserver;
import dev.pipe.core.TransferSummary;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.PipeState;
import dev.pipe.core.SystemScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real container (Jetty ee10 unless told) on 127.0.0.1, port 0, with a {@link PipeServlet} at {@code /api/v1/pipe}; an observer lets tests
 * wait for parties to join, on the event rather than on a clock.
 */
public final class TestServer implements AutoCloseable {

    /** A wait that should never elapse; when it does, the test fails loudly. */
    public static final Duration LONG_WAIT = Duration.ofSeconds(30);
    public static final String PREFIX = "/api/v1/pipe";

    private final SystemScheduler scheduler = new SystemScheduler();
    private final Joins joins = new Joins();
    private final PipeRegistry registry;
    private final TestContainer container;
    private final TestContainer.Running server;
    private final PipeServlet servlet;
    private final ExecutorService clientThreads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-client");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client;

    private TestServer(PipeConfig config, AccessPolicy access, TestContainer container) throws Exception {
        registry = new PipeRegistry(config, scheduler, joins);
        servlet = new PipeServlet(registry, access);
        this.container = container;
        server = container.start(PREFIX, servlet);
        client = HttpClient.newBuilder().version(container.clientVersion()).executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static TestServer start() throws Exception {
        return new TestServer(PipeConfig.defaults(), AccessPolicy.OPEN, Containers.JETTY_EE10);
    }

    public static TestServer start(PipeConfig config) throws Exception {
        return new TestServer(config, AccessPolicy.OPEN, Containers.JETTY_EE10);
    }

    public static TestServer start(PipeConfig config, AccessPolicy access) throws Exception {
        return new TestServer(config, access, Containers.JETTY_EE10);
    }

    /** A server of {@code container}. */
    public static TestServer start(TestContainer container, PipeConfig config, AccessPolicy access) throws Exception {
        return new TestServer(config, access, container);
    }

    public static TestServer start(TestContainer container, PipeConfig config) throws Exception {
        return new TestServer(config, AccessPolicy.OPEN, container);
    }

    public static TestServer start(TestContainer container) throws Exception {
        return new TestServer(PipeConfig.defaults(), AccessPolicy.OPEN, container);
    }

    /** The container the servlet runs on. */
    public TestContainer container() {
        return container;
    }

    public PipeServlet servlet() {
        return servlet;
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + PREFIX + "/" + path);
    }

    public URI uri(String path, int receivers) {
        return URI.create(uri(path) + "?n=" + receivers);
    }

    public HttpClient client() {
        return client;
    }

    public PipeRegistry registry() {
        return registry;
    }

    /** How long the container lets a connection stay silent, outside what the servlet lifts for a pipe. */
    public Duration connectorIdleTimeout() {
        return container.idleTimeout();
    }

    public PipeKey key(String path) throws Exception {
        return registry.key(path);
    }

    /** The receivers joined on pipe {@code path} since it was created (0 when it does not exist). */
    public int receiversJoined(String path) throws Exception {
        return joins.joined(key(path));
    }

    /** Waits until pipe {@code path} has had {@code count} receivers joined (in total, since it was created). */
    public void awaitReceivers(String path, int count) throws Exception {
        joins.await(key(path), count, false);
    }

    /** Waits until the sender of pipe {@code path} has joined. */
    public void awaitSender(String path) throws Exception {
        joins.await(key(path), 1, true);
    }

    /** Waits until pipe {@code path} is gone from the registry. */
    public void awaitGone(String path) throws Exception {
        PipeKey key = key(path);
        joins.awaitEnd(key);
    }

    /** The terminal state pipe {@code path} last reached, or null. */
    public PipeState lastEnd(String path) throws Exception {
        return joins.lastEnd(key(path));
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop().stop();
            // every test ends with every chunk back in the pool, exactly once
            DirectBuffers chunks = servlet.chunks();
            if (!chunks.awaitAllReturned(LONG_WAIT.toMillis()) || chunks.outstanding() != 0) {
                throw new AssertionError("direct chunks not given back exactly once: " + chunks.outstanding()
                        + " outstanding");
            }
            clientThreads.shutdownNow();
        } finally {
            registry.close();
            scheduler.close();
        }
    }

    /** Counts joins and ends per key; waiters wait on this monitor. */
    private static final class Joins implements PipeObserver {
        private final Map<PipeKey, int[]> joined = new HashMap<>();   // [receivers, senders]
        private final Map<PipeKey, PipeState> ended = new HashMap<>();

        @Override
        public synchronized void onJoin(PipeKey key, Party party, int receivers, int expected) {
            ended.remove(key);
            joined.computeIfAbsent(key, k -> new int[2])[party == Party.SENDER ? 1 : 0]++;
            notifyAll();
        }

        @Override
        public synchronized void onEnd(TransferSummary summary) {
            joined.remove(summary.key());
            ended.put(summary.key(), summary.state());
            notifyAll();
        }

        synchronized void await(PipeKey key, int count, boolean sender) throws InterruptedException {
            long deadline = System.nanoTime() + LONG_WAIT.toNanos();
            while (joined.getOrDefault(key, new int[2])[sender ? 1 : 0] < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + count + (sender ? " sender(s)" : " receiver(s)")
                            + " on " + key);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized int joined(PipeKey key) {
            return joined.getOrDefault(key, new int[2])[0];
        }

        synchronized void awaitEnd(PipeKey key) throws InterruptedException {
            long deadline = System.nanoTime() + LONG_WAIT.toNanos();
            while (!ended.containsKey(key)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for the end of " + key);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized PipeState lastEnd(PipeKey key) {
            return ended.get(key);
        }
    }
}
