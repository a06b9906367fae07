package dev.pipe.examples;

import dev.pipe.core.PipeConfig;
import dev.pipe.jetty.PipeServers;
import dev.pipe.servlet.PipeServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Server;
import org.slf4j.LoggerFactory;

/**
 * Moves transfers through a private copy of the server's relay path on loopback before the server accepts
 * requests, so that a user's first transfer runs compiled code instead of paying for the JVM's class loading and
 * first compiles (docs/BENCHMARKS.md, the cold start).
 *
 * <p>The private server is built as the standalone one is, in clear text ({@link PipeServers#server}: the pipe
 * connector, the servlet, the core, the server's window, chunks of at most {@link #WARM_CHUNK}), with a registry of
 * its own, so the real server's figures do not count its transfers, and its transfer log lines are left out; it is
 * stopped before the real server starts. Two transfers: one with a {@code Content-Length} to one receiver
 * ({@code curl -T FILE}) and one chunked to two receivers ({@code cat | curl -T -}). Each has {@link #LIMIT} to
 * finish, after which its sockets are closed and the warm-up fails (the server then starts without it).
 *
 * <p>Threads: the caller's waits, at startup; the sender and each receiver run on a daemon thread of their own.
 */
final class Warmup {

    /** How long each warm-up transfer may take. */
    static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int WRITE = 64 * 1024;
    /** The private server's largest chunk: 64 MiB are 256 passes through the relay's path per receiver. */
    static final int WARM_CHUNK = 256 * 1024;
    /** The logger of the one line per finished transfer (the core's {@code TransferLog}). */
    private static final String TRANSFER_LOGGER = "dev.pipe.core.Pipe";

    private Warmup() {
    }

    /**
     * Runs the warm-up transfers, {@code bytes} in all, through a private server on a free loopback port.
     *
     * @return how long it took
     * @throws Exception when the private server did not start or stop, or a transfer did not go through within
     *                   {@link #LIMIT} (the real server is usable all the same)
     */
    static Duration run(long bytes, PipeConfig config) throws Exception {
        long start = System.nanoTime();
        ch.qos.logback.classic.Logger transfers = transferLogger();
        ch.qos.logback.classic.Level level = transfers == null ? null : transfers.getLevel();
        try {
            if (transfers != null) {
                transfers.setLevel(ch.qos.logback.classic.Level.WARN);
            }
            // the server's settings (its window is the relay's path), without its limits on parties, in chunks of at
            // most WARM_CHUNK: what gets compiled is what runs often, once per chunk (larger ones take the same path)
            PipeServlet servlet = new PipeServlet(config.withChunkSize(Math.min(config.chunkSize(), WARM_CHUNK))
                    .withMaxWaitingPerClient(0)
                    .withMaxReceivers(PipeConfig.RECEIVERS_CAP).withJoinTimeout(LIMIT).withIdleTimeout(LIMIT));
            Server server = PipeServers.server(InetAddress.getLoopbackAddress().getHostAddress(), 0, "/", servlet);
            server.setStopTimeout(0); // nothing of it is worth waiting for once the transfers are over
            Exception failed = null;
            try {
                server.start();
                int port = PipeServers.port(server);
                transfer(port, "/warmup-length", bytes * 3 / 4, 1, false);
                transfer(port, "/warmup-chunked?n=2", bytes / 4, 2, true);
            } catch (Exception e) {
                failed = e;
            } finally {
                try {
                    server.stop(); // destroys the servlet too: its timer thread ends
                } catch (Exception e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            if (transfers != null) {
                transfers.setLevel(level);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** One transfer of {@code bytes} to {@code n} receivers; returns when the sender and every receiver are done. */
    private static void transfer(int port, String path, long bytes, int n, boolean chunked) throws IOException,
            InterruptedException {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        CompletableFuture<?>[] parties = new CompletableFuture<?>[n + 1];
        for (int i = 0; i < n; i++) {
            parties[i] = CompletableFuture.runAsync(() -> receive(connect(port, sockets), path, bytes),
                    Warmup::thread);
        }
        parties[n] = CompletableFuture.runAsync(() -> send(connect(port, sockets), path, bytes, chunked),
                Warmup::thread);
        try {
            CompletableFuture.allOf(parties).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException io ? io.getCause() : e.getCause();
            throw new IOException("a warm-up transfer failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("a warm-up transfer took longer than " + LIMIT.toSeconds() + " s");
        } finally {
            for (Socket socket : sockets) {
                socket.close(); // ends a party still blocked in a write or a read
            }
        }
    }

    /** Sends {@code bytes} of zeros to the pipe at {@code path}, then reads its answer, which must be 200. */
    private static void send(Socket socket, String path, long bytes, boolean chunked) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            String head = "PUT " + path + " HTTP/1.1\r\nHost: warmup\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bytes + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[WRITE];
            for (long left = bytes; left > 0; left -= WRITE) {
                int length = (int) Math.min(WRITE, left);
                if (chunked) {
                    out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block, 0, length);
                if (chunked) {
                    out.write('\r');
                    out.write('\n');
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            answer(socket.getInputStream(), "the warm-up sender");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Receives the pipe at {@code path}: a 200 and at least {@code bytes} after its head. */
    private static void receive(Socket socket, String path, long bytes) {
        try (socket) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: warmup\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long got = answer(socket.getInputStream(), "a warm-up receiver");
            if (got < bytes) {
                throw new IOException("a warm-up receiver got " + got + " of " + bytes + " bytes");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an answer to its end; returns how many bytes followed its status line, which must say 200. */
    private static long answer(InputStream in, String who) throws IOException {
        StringBuilder status = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || status.length() > 200) {
                throw new IOException(who + " got no answer");
            }
            status.append((char) c);
        }
        if (!status.toString().startsWith("HTTP/1.1 200 ")) {
            throw new IOException(who + " was answered '" + status.toString().strip() + "'");
        }
        return in.transferTo(OutputStream.nullOutputStream());
    }

    /** A connection to the private server, listed in {@code sockets} so that it can be closed from outside. */
    private static Socket connect(int port, List<Socket> sockets) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            sockets.add(socket);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void thread(Runnable task) {
        Thread thread = new Thread(task, "pipe-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    /** The transfer log's logger when logback is the binding (as in the standalone jar), else null. */
    private static ch.qos.logback.classic.Logger transferLogger() {
        return LoggerFactory.getLogger(TRANSFER_LOGGER) instanceof ch.qos.logback.classic.Logger logger ? logger : null;
    }
}
