package dev.pipe.examples;

import dev.pipe.core.PipeConfig;
import dev.pipe.jetty.PipeServers;
import dev.pipe.servlet.PipeServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Server;
import org.slf4j.LoggerFactory;

/**
 * Moves transfers through a private copy of the server's HTTP path on loopback before the server opens its port, so
 * that a user's first transfer runs compiled code instead of paying for the JVM's class loading and first compiles
 * (docs/BENCHMARKS.md, the cold start).
 *
 * <p>The private server is the same stack as the real one ({@link PipeServers#server}: the connector, the servlet,
 * the core) with a registry of its own, so the real server's figures do not count its transfers, and its transfer
 * log lines are left out; it is stopped before the real server starts. Two transfers: one with a
 * {@code Content-Length} to one receiver ({@code curl -T FILE}) and one chunked to two receivers
 * ({@code cat | curl -T -}).
 *
 * <p>Threads: runs on the caller's thread, blocking, at startup; each receiver reads on a thread of its own.
 */
final class Warmup {

    /** How long the whole warm-up may take before the server starts without finishing it. */
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int WRITE = 64 * 1024;
    /** The logger of the one line per finished transfer (the core's {@code TransferLog}). */
    private static final String TRANSFER_LOGGER = "dev.pipe.core.Pipe";

    private Warmup() {
    }

    /**
     * Runs the warm-up transfers, {@code bytes} in all, through a private server on a free loopback port.
     *
     * @return how long it took
     * @throws Exception when the private server did not start or a transfer did not go through within
     *                   {@link #LIMIT} (the real server is usable all the same)
     */
    static Duration run(long bytes, PipeConfig config) throws Exception {
        long start = System.nanoTime();
        ch.qos.logback.classic.Logger transfers = transferLogger();
        ch.qos.logback.classic.Level level = transfers == null ? null : transfers.getLevel();
        if (transfers != null) {
            transfers.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        // the server's settings (its chunk size and window are the relay's path), without its limits on parties, and
        // with timeouts that cut a stalled warm-up off (a sender's write has no timeout of its own)
        PipeServlet servlet = new PipeServlet(config.withMaxWaitingPerClient(0)
                .withMaxReceivers(PipeConfig.RECEIVERS_CAP).withJoinTimeout(LIMIT).withIdleTimeout(LIMIT));
        Server server = PipeServers.server(InetAddress.getLoopbackAddress().getHostAddress(), 0, "/", servlet);
        try {
            server.start();
            int port = PipeServers.port(server);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            transfer(port, "/warmup-length", bytes * 3 / 4, 1, false, deadline);
            transfer(port, "/warmup-chunked?n=2", bytes / 4, 2, true, deadline);
        } finally {
            server.stop(); // destroys the servlet too: its timer thread ends
            if (transfers != null) {
                transfers.setLevel(level);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** One transfer of {@code bytes} to {@code n} receivers; returns when every receiver has had them all. */
    private static void transfer(int port, String path, long bytes, int n, boolean chunked, long deadline)
            throws Exception {
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] received = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            received[i] = CompletableFuture.supplyAsync(() -> receive(port, path), Warmup::thread);
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(timeoutMillis(deadline));
            OutputStream out = socket.getOutputStream();
            String head = "PUT " + path + " HTTP/1.1\r\nHost: warmup\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bytes + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[WRITE];
            byte[] chunkHead = (Integer.toHexString(WRITE) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
            for (long left = bytes; left > 0; left -= WRITE) {
                int length = (int) Math.min(WRITE, left);
                if (chunked) {
                    out.write(length == WRITE ? chunkHead
                            : (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block, 0, length);
                if (chunked) {
                    out.write(crlf);
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        }
        for (CompletableFuture<Long> receiver : received) {
            long got;
            try {
                got = receiver.get(timeoutMillis(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IOException("a warm-up receiver failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("a warm-up receiver took longer than " + LIMIT.toSeconds() + " s");
            }
            if (got < bytes) {
                throw new IOException("a warm-up receiver got " + got + " of " + bytes + " bytes");
            }
        }
    }

    /** Receives the pipe at {@code path}; returns how many bytes came, head included. */
    private static long receive(int port, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) LIMIT.toMillis());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: warmup\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void thread(Runnable task) {
        Thread thread = new Thread(task, "pipe-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    private static int timeoutMillis(long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new IOException("the warm-up took longer than " + LIMIT.toSeconds() + " s");
        }
        return (int) left;
    }

    /** The transfer log's logger when logback is the binding (as in the standalone jar), else null. */
    private static ch.qos.logback.classic.Logger transferLogger() {
        return LoggerFactory.getLogger(TRANSFER_LOGGER) instanceof ch.qos.logback.classic.Logger logger ? logger : null;
    }
}
