package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.servlet.PipeServlet;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sender's body is read 64 KiB per system call over HTTP/1.1, also when HTTP/2 shares the port: Jetty keeps the read
 * size in the configuration both protocols' factories are given, and its HTTP/2 factory sets it to 16 KiB when made.
 */
@Timeout(60)
class ReadSizeHttpTest {

    @Test
    void anHttp11ConnectionBesideH2cReadsSixtyFourKibAtATime() throws Exception {
        assertEquals(64 * 1024, readSizeOfAnHttp11Connection(true));
    }

    @Test
    void anHttp11ConnectionAloneReadsSixtyFourKibAtATime() throws Exception {
        assertEquals(64 * 1024, readSizeOfAnHttp11Connection(false));
    }

    /** The read buffer size of the connection a plain HTTP/1.1 request opens on the standalone connector. */
    private static int readSizeOfAnHttp11Connection(boolean http2) throws Exception {
        Server server = new Server(PipeServers.threadPool());
        ServerConnector connector = PipeServers.connector(server, "127.0.0.1", 0, false, http2);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServers.mount(context, "/api/v1/pipe", new PipeServlet());
        server.setHandler(context);
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened.complete(connection);
            }
        });
        server.start();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/v1/pipe/x?n=0 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            Connection connection = opened.get(10, TimeUnit.SECONDS);
            assertTrue(connection.getClass().getName().contains("PipeConnectionFactory"), connection.toString());
            return ((AbstractConnection) connection).getInputBufferSize();
        } finally {
            server.stop();
        }
    }
}
