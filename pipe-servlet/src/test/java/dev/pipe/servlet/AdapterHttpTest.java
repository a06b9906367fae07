package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeState;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the servlet meets its container: wrapped responses, HTTP/1.0 senders, senders that leave while waiting. */
@Timeout(60)
class AdapterHttpTest {

    /** An application filter that wraps the response (as logging or metrics filters do) does not break a transfer. */
    @Test
    void filterThatWrapsTheResponseStillGetsEveryByte() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder("pipe", new PipeServlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, PipeMapping.pathSpec("/pipes"));
        Filter wrapping = (request, response, chain) -> chain.doFilter(request,
                new WrappedResponse((HttpServletResponse) response));
        FilterHolder filter = new FilterHolder(wrapping);
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        try {
            String uri = "http://127.0.0.1:" + connector.getLocalPort() + "/pipes/wrapped?n=2";
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            byte[] body = TestData.logLines(3L, 300_000);
            List<CompletableFuture<HttpResponse<byte[]>>> receivers = List.of(
                    client.sendAsync(HttpRequest.newBuilder(URI.create(uri)).build(),
                            HttpResponse.BodyHandlers.ofByteArray()),
                    client.sendAsync(HttpRequest.newBuilder(URI.create(uri)).build(),
                            HttpResponse.BodyHandlers.ofByteArray()));
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(URI.create(uri))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(sender.body().contains(HttpAsserts.ALL_RECEIVED), sender.body());
            for (CompletableFuture<HttpResponse<byte[]>> receiver : receivers) {
                assertArrayEquals(body, receiver.get(30, TimeUnit.SECONDS).body());
            }
        } finally {
            server.stop();
        }
    }

    /**
     * An HTTP/1.0 sender cannot take a chunked response (PROTOCOL.md section 5): it gets its progress lines at the end,
     * in one body with a Content-Length.
     */
    @Test
    void http10SenderGetsItsLinesAtTheEndWithAContentLength() throws Exception {
        try (TestServer server = TestServer.start()) {
            CompletableFuture<HttpResponse<String>> receiver = server.client().sendAsync(
                    HttpRequest.newBuilder(server.uri("old-client")).build(), HttpResponse.BodyHandlers.ofString());
            server.awaitReceivers("old-client", 1);
            byte[] payload = "sent over HTTP/1.0\n".getBytes(StandardCharsets.UTF_8);
            try (RawHttp sender = RawHttp.connect(server)) {
                String head = "PUT " + TestServer.PREFIX + "/old-client HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: "
                        + payload.length + "\r\n\r\n";
                sender.write(head.getBytes(StandardCharsets.ISO_8859_1), 0, head.length());
                sender.write(payload, 0, payload.length);
                RawHttp.Head response = sender.head();
                assertEquals(200, response.status(), response.toString());
                assertEquals(List.of("text/plain"), response.headers().get("content-type"), response.toString());
                assertTrue(response.headers().containsKey("content-length"), "a Content-Length: " + response);
                assertTrue(!response.headers().containsKey("transfer-encoding"), "not chunked: " + response);
                String lines = new String(sender.body().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(sender.body().complete(), "the body is whole");
                HttpAsserts.assertCompleted(lines, 1, HttpAsserts.waiting(1), HttpAsserts.connected(1),
                        HttpAsserts.started(1));
            }
            assertEquals("sent over HTTP/1.0\n", receiver.get(30, TimeUnit.SECONDS).body());
        }
    }

    /** A waiting sender whose body is all in, and who then hangs up, gives its slot back (PROTOCOL.md section 4). */
    @Test
    void waitingSenderWhoseBodyIsInAndLeavesFreesItsSlot() throws Exception {
        try (TestServer server = TestServer.start()) {
            String path = "gone-sender";
            byte[] payload = "nobody will read this\n".getBytes(StandardCharsets.UTF_8);
            try (RawHttp sender = RawHttp.connect(server)) {
                sender.request("PUT", TestServer.PREFIX + "/" + path + "?n=1", "Content-Length: " + payload.length);
                sender.write(payload, 0, payload.length);
                assertEquals(200, sender.head().status());
                server.awaitSender(path);
            }
            server.awaitGone(path);
            assertEquals(PipeState.ABANDONED, server.lastEnd(path));
            HttpAsserts.assertTransferWorks(server, path, 1);
        }
    }


    /** {@code ;} is part of a pipe's path, not a parameter to drop: {@code a;b} and {@code a;c} are two pipes. */
    @Test
    void semicolonsMakeDistinctPipes() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (RawHttp first = RawHttp.get(server, "team;b%20c"); RawHttp second = RawHttp.get(server, "team;x")) {
                server.awaitReceivers("team;b c", 1);
                server.awaitReceivers("team;x", 1);
                assertNull(server.registry().state(server.key("team")), "not the pipe 'team'");
                for (String[] send : new String[][] {{"team;x", "to x\n"}, {"team;b%20c", "to b c\n"}}) {
                    byte[] body = send[1].getBytes(StandardCharsets.UTF_8);
                    try (RawHttp sender = RawHttp.connect(server).request("PUT", TestServer.PREFIX + "/" + send[0],
                            "Content-Length: " + body.length)) {
                        sender.write(body, 0, body.length);
                        assertEquals(200, sender.head().status());
                        sender.body().readAllBytes();
                    }
                }
                assertEquals("to b c\n", new String(first.body().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals("to x\n", new String(second.body().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** A response wrapper whose stream is not Jetty's: the servlet must use the plain servlet write for it. */
    private static final class WrappedResponse extends HttpServletResponseWrapper {
        private ServletOutputStream wrapped;

        WrappedResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public synchronized ServletOutputStream getOutputStream() throws IOException {
            if (wrapped == null) {
                ServletOutputStream inner = super.getOutputStream();
                wrapped = new ServletOutputStream() {
                    @Override
                    public boolean isReady() {
                        return inner.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        inner.setWriteListener(listener);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        inner.write(b);
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        inner.write(bytes, offset, length);
                    }

                    @Override
                    public void flush() throws IOException {
                        inner.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        inner.close();
                    }
                };
            }
            return wrapped;
        }
    }
}
