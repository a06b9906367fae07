package dev.pipe.jetty;

import static dev.pipe.jetty.RawSockets.awaitText;
import static dev.pipe.jetty.RawSockets.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeObserver;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.SystemScheduler;
import dev.pipe.core.TransferSummary;
import dev.pipe.core.TransferSummary.Outcome;
import dev.pipe.servlet.PipeServlet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A streaming sender's read that finds no direct memory for Jetty's buffer (it grows to a chunk once the pipe streams)
 * fails the transfer as the server's, not as the sender's abort: the sender is told so (and not reset under the line),
 * the receiver is cut off, the transfer ends {@code out-of-memory}, and the server goes on.
 */
@Timeout(60)
class OutOfMemoryHttpTest {

    private static final int KIB = 1024;
    private static final int CHUNK = 1024 * KIB;

    /** Jetty's pool, but with no direct memory for a buffer over 64 KiB while {@link #full} is set. */
    private static final class ExhaustedPool extends ArrayByteBufferPool {
        volatile boolean full = true;
        final AtomicInteger refused = new AtomicInteger();

        ExhaustedPool() {
            super(0, -1, CHUNK, -1, 0, 64L * CHUNK);
        }

        @Override
        public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
            if (full && direct && size > 64 * KIB) {
                refused.incrementAndGet();
                throw new OutOfMemoryError("Cannot reserve " + size + " bytes of direct buffer memory (a test's)");
            }
            return super.acquire(size, direct);
        }
    }

    private final ExhaustedPool pool = new ExhaustedPool();
    private final BlockingQueue<TransferSummary> ended = new LinkedBlockingQueue<>();
    private final SystemScheduler scheduler = new SystemScheduler();
    private Server server;
    private int port;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        scheduler.close();
    }

    @Test
    void aSendersReadWithNoMemoryForItsBufferFailsTheTransferAsTheServersAndTheServerGoesOn() throws Exception {
        start();
        byte[] block = new byte[64 * KIB];
        int blocks = 64;
        try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket receiver = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(sender, "PUT /p/oom HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + block.length * blocks
                    + "\r\n\r\n");
            sender.getOutputStream().write(block);
            InputStream progress = sender.getInputStream();
            awaitText(progress, "Waiting for 1 receiver");
            // the first block is all read ahead (its 64 KiB fill the waiting sender's buffer, which then hears who is
            // missing every 3 s), so that none of it is left for a chunk-sized read as the pipe starts
            awaitText(progress, "waiting for the rest");
            CompletableFuture<Answer> senderHears = CompletableFuture.supplyAsync(() -> read(progress));
            write(receiver, "GET /p/oom HTTP/1.1\r\nHost: localhost\r\n\r\n");
            // the first block goes through as the pipe starts; the sender writes the rest only once the receiver has
            // it, so that the server has read all there was: Jetty's next read takes a buffer of the chunk's size
            InputStream body = receiver.getInputStream();
            awaitText(body, "\r\n\r\n");
            int first = body.read();
            assertTrue(first >= 0, "the first block reaches the receiver");
            CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 1; i < blocks; i++) {
                        sender.getOutputStream().write(block);
                    }
                } catch (IOException cutOff) {
                    // the server read what it would of the rest, then ended the connection
                }
            });
            long received = 1 + readToEnd(body).length();

            TransferSummary summary = ended.poll(30, TimeUnit.SECONDS);
            assertTrue(summary != null, "no transfer ended");
            assertEquals(Outcome.OUT_OF_MEMORY, summary.outcome());
            assertTrue(received < (long) block.length * blocks, "the receiver's body is cut off: " + received);
            Answer told = senderHears.get(30, TimeUnit.SECONDS);
            assertTrue(told.text().contains("[ERROR] The server has no memory left for this transfer: try again later."),
                    "the sender is told why");
            // as when the pipe fails a sender: its line stands, its response ends with an orderly close while what it
            // still sends is read and forgotten, so that no reset can overtake the line on its way
            assertFalse(told.reset(), "the sender's connection was reset under its line");
            assertEquals(1, pool.refused.get(),
                    "once the transfer failed, what Jetty still reads of it takes the connector's smaller buffers");
        }

        pool.full = false;
        assertEquals(Outcome.COMPLETED, transfer(block, blocks), "the next transfer, with memory again");
    }

    /** One sender to one receiver of {@code blocks} blocks; how it ended. */
    private Outcome transfer(byte[] block, int blocks) throws Exception {
        try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket receiver = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(receiver, "GET /p/next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            write(sender, "PUT /p/next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: "
                    + block.length * blocks + "\r\n\r\n");
            InputStream in = receiver.getInputStream();
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> readToEnd(in));
            for (int i = 0; i < blocks; i++) {
                sender.getOutputStream().write(block);
            }
            String response = received.get(30, TimeUnit.SECONDS);
            int body = response.length() - response.indexOf("\r\n\r\n") - 4;
            assertEquals(block.length * blocks, body, "every byte reached the receiver");
            TransferSummary summary = ended.poll(30, TimeUnit.SECONDS);
            assertTrue(summary != null, "no transfer ended");
            return summary.outcome();
        }
    }

    private void start() throws Exception {
        PipeRegistry registry = new PipeRegistry(PipeConfig.defaults().withChunkSize(CHUNK), scheduler,
                new PipeObserver() {
                    @Override
                    public void onEnd(TransferSummary summary) {
                        ended.add(summary);
                    }
                });
        server = new Server(PipeServers.threadPool(), null, pool);
        ServerConnector connector = PipeServers.connector(server, "127.0.0.1", 0, false, false);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServers.mount(context, "/p", new PipeServlet(registry));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    /** What the socket gives until its end (or its reset), as ISO-8859-1 text. */
    private static String readToEnd(InputStream in) {
        return read(in).text();
    }

    /** What a socket gave, as ISO-8859-1 text, and whether it ended in a reset rather than the peer's orderly close. */
    private record Answer(String text, boolean reset) {
    }

    private static Answer read(InputStream in) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * KIB];
        try {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.write(buffer, 0, read);
            }
        } catch (IOException reset) {
            return new Answer(seen.toString(StandardCharsets.ISO_8859_1), true);
        }
        return new Answer(seen.toString(StandardCharsets.ISO_8859_1), false);
    }
}
