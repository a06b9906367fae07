package dev.pipe.jetty;

import static dev.pipe.jetty.RawSockets.awaitText;
import static dev.pipe.jetty.RawSockets.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.servlet.PipeServlet;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How much a sender's body is read per system call over HTTP/1.1: while it waits, what the connector reads (64 KiB;
 * 16 KiB when h2c shares the port, as HTTP/2 reads, since a client with prior knowledge has its first bytes handed to
 * HTTP/2 in one buffer of that size); a chunk at a time once its pipe streams, up to the largest buffer the server's
 * pool keeps, so that no read allocates a buffer of its own.
 */
@Timeout(60)
class ReadSizeHttpTest {

    private static final int KIB = 1024;
    private static final int CHUNK = 1024 * KIB;

    private Server server;
    private final CompletableFuture<Connection> firstConnection = new CompletableFuture<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void anHttp11ConnectionBesideH2cReadsAsHttp2Does() throws Exception {
        ServerConnector connector = start(true, PipeServers.bufferPool());
        assertEquals(16 * KIB, readSizeOfARefusedRequest(connector));
    }

    @Test
    void anHttp11ConnectionAloneReadsSixtyFourKibAtATime() throws Exception {
        ServerConnector connector = start(false, PipeServers.bufferPool());
        assertEquals(64 * KIB, readSizeOfARefusedRequest(connector));
    }

    @Test
    void aWaitingSenderReadsAsTheConnectorDoesAndAStreamingOneAChunkAtATime() throws Exception {
        ServerConnector connector = start(true, PipeServers.bufferPool());
        int[] sizes = senderReadSizes(connector);
        assertEquals(16 * KIB, sizes[0], "while it waits");
        assertEquals(CHUNK, sizes[1], "once it streams");
    }

    @Test
    void aStreamingSenderReadsNoMoreThanThePoolKeeps() throws Exception {
        ServerConnector connector = start(false, new ArrayByteBufferPool()); // Jetty's own: buffers up to 64 KiB
        int[] sizes = senderReadSizes(connector);
        assertEquals(64 * KIB, sizes[0], "while it waits");
        assertEquals(64 * KIB, sizes[1], "once it streams: the largest buffer the pool keeps");
    }

    /** The standalone server's connector, with the servlet's chunk at 1 MiB; the first connection is recorded. */
    private ServerConnector start(boolean http2, ArrayByteBufferPool pool) throws Exception {
        server = new Server(PipeServers.threadPool(), null, pool);
        ServerConnector connector = PipeServers.connector(server, "127.0.0.1", 0, false, http2);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServers.mount(context, "/p", new PipeServlet(PipeConfig.defaults().withChunkSize(CHUNK)));
        server.setHandler(context);
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                firstConnection.complete(connection);
            }
        });
        server.start();
        return connector;
    }

    /** The read size of the connection a refused HTTP/1.1 request opened. */
    private int readSizeOfARefusedRequest(ServerConnector connector) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            write(socket, "GET /p/x?n=0 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            return readSize();
        }
    }

    /**
     * A sender's connection's read size while it waits for its receiver, and once 1 MiB has gone through to it (its
     * last block is held back until then, so that it still streams: at its end it reads as the connector does).
     */
    private int[] senderReadSizes(ServerConnector connector) throws Exception {
        int port = connector.getLocalPort();
        byte[] block = new byte[64 * KIB];
        int blocks = 16;
        try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), port)) {
            write(sender, "PUT /p/big HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + block.length * (blocks + 1)
                    + "\r\n\r\n");
            sender.getOutputStream().write(block);
            InputStream progress = sender.getInputStream();
            awaitText(progress, "Waiting for 1 receiver");
            int waiting = readSize();
            try (Socket receiver = new Socket(InetAddress.getLoopbackAddress(), port)) {
                write(receiver, "GET /p/big HTTP/1.1\r\nHost: localhost\r\n\r\n");
                for (int i = 1; i < blocks; i++) {
                    sender.getOutputStream().write(block);
                }
                InputStream in = receiver.getInputStream();
                awaitText(in, "\r\n\r\n");
                long got = 0;
                byte[] buffer = new byte[64 * KIB];
                while (got < (long) block.length * blocks) {
                    int read = in.read(buffer);
                    assertTrue(read > 0, "the receiver's body ended after " + got + " bytes");
                    got += read;
                }
                int streaming = readSize();
                sender.getOutputStream().write(block);
                return new int[] {waiting, streaming};
            }
        }
    }

    private int readSize() throws Exception {
        return ((AbstractConnection) firstConnection.get(10, TimeUnit.SECONDS)).getInputBufferSize();
    }
}
