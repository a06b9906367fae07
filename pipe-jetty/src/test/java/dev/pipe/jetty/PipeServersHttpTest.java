package dev.pipe.jetty;

import static dev.pipe.servlet.HttpAsserts.ALL_RECEIVED;
import static dev.pipe.servlet.HttpAsserts.assertNames;
import static dev.pipe.servlet.HttpAsserts.SENT;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.readAll;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.servlet.RawHttp;
import dev.pipe.servlet.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server {@link PipeServers#server} builds adds to the servlet, over raw sockets: requests Jetty's own parser
 * refuses get the protocol's one {@code [ERROR]} line of {@code text/plain} and a 4xx ({@link PlainErrorHandler}),
 * answered in the request's own version, and an HTTP/1.0 client gets an HTTP/1.0 status line
 * ({@link PipeConnectionFactory}); if a Jetty upgrade changes what the factory relies on, this fails.
 */
class PipeServersHttpTest {

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(StandaloneJetty.INSTANCE);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "foo, chunked", "chunked, chunked", "gzip"})
    void aTransferCodingOtherThanChunkedIsA400(String codings) throws Exception {
        try (RawHttp sender = RawHttp.connect(server)) {
            sender.request("PUT", TestServer.PREFIX + "/coded", "Transfer-Encoding: " + codings);
            sender.write("5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Head head = sender.head();
            assertEquals(400, head.status(), head.toString());
            assertEquals(List.of("text/plain"), head.headers().get("content-type"));
        }
        assertEquals(0, server.registry().size(), "the sender never reached a pipe");
    }

    /** Every status line answers in the request's own version: HTTP/1.1 when the request line never said one. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET /api/v1/pipe/%zz HTTP/1.1|HTTP/1.1 400",
        "GET /api/v1/pipe/%zz HTTP/1.0|HTTP/1.0 400",
        "GET /api/v1/pipe/x\u0001 HTTP/1.1|HTTP/1.1 400",
        "GET /api/v1/pipe/x HTTP/9.9|HTTP/1.1 400",
        "G\u0001T /api/v1/pipe/x HTTP/1.1|HTTP/1.1 400",
    })
    void aRequestJettyCannotParseIsAnsweredInItsOwnVersion(String requestLine, String status) throws Exception {
        try (RawHttp client = RawHttp.connect(server)) {
            client.write((requestLine + "\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(client.head().statusLine().startsWith(status + " "), requestLine + " -> " + client.head());
        }
    }

    @Test
    void aRequestLineTooLongIsA414InHttp11() throws Exception {
        try (RawHttp client = RawHttp.connect(server)) {
            client.write(("GET " + TestServer.PREFIX + "/" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(client.head().statusLine().startsWith("HTTP/1.1 414 "), client.head().toString());
        }
    }

    /** Paths Jetty itself refuses still get the protocol's error shape: one [ERROR] line of text/plain, a 4xx. */
    @ParameterizedTest
    @ValueSource(strings = {"a%2Fb", "%ZZ", "%C0%AF", "a%00b", "a%25b", "a//b"})
    void malformedPathsGetOnePlainErrorLine(String path) throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            for (String method : new String[] {"GET", "PUT"}) {
                try (RawHttp client = RawHttp.connect(server)) {
                    client.request(method, TestServer.PREFIX + "/" + path, "Content-Length: 0");
                    RawHttp.Head head = client.head();
                    String context = method + " " + path + " -> " + head;
                    assertEquals(400, head.status(), context);
                    assertEquals(List.of("text/plain"), head.headers().get("content-type"), context);
                    assertEquals("*", head.header("Access-Control-Allow-Origin"), "a browser may read it: " + context);
                    assertEquals("nosniff", head.header("X-Content-Type-Options"), context);
                    assertEquals("no-store", head.header("Cache-Control"), context);
                    String body = new String(client.body().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(body.startsWith("[ERROR] ") && body.endsWith("\n") && body.lines().count() == 1,
                            context + " body: " + body);
                }
            }
        }
    }

    /** An HTTP/1.0 client gets an HTTP/1.0 status line; the sender's lines come at the end with a Content-Length. */
    @Test
    void http10SenderAndReceiverGetHttp10StatusLines() throws Exception {
        try (RawHttp receiver = RawHttp.connect(server).requestIn("HTTP/1.0", "GET", TestServer.PREFIX + "/old")) {
            server.awaitReceivers("old", 1);
            byte[] body = "from 1996\n".getBytes(StandardCharsets.UTF_8);
            try (RawHttp sender = RawHttp.connect(server).requestIn("HTTP/1.0", "PUT", TestServer.PREFIX + "/old",
                    "Content-Length: " + body.length)) {
                sender.write(body, 0, body.length);
                RawHttp.Head head = receiver.head();
                assertEquals("HTTP/1.0 200 OK", head.statusLine());
                assertEquals(null, head.header("Transfer-Encoding"), "HTTP/1.0 has no chunked framing");
                assertEquals(String.valueOf(body.length), head.header("Content-Length"));
                assertEquals("from 1996\n", readAll(receiver));

                RawHttp.Head senderHead = sender.head();
                assertEquals("HTTP/1.0 200 OK", senderHead.statusLine());
                assertEquals("text/plain", senderHead.header("Content-Type"));
                assertNames(senderHead, List.of("Content-Type", "Content-Length", "Access-Control-Allow-Origin"));
                String lines = readAll(sender);
                assertEquals(lines.getBytes(StandardCharsets.UTF_8).length,
                        Integer.parseInt(senderHead.header("Content-Length")));
                assertTrue(lines.startsWith(waiting(1) + "\n" + connected(1) + "\n" + started(1) + "\n" + SENT
                        + "\n" + ALL_RECEIVED + "\n"), lines);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET|/?n=0|400 Bad Request",
        "PUT|/x?n=abc|400 Bad Request",
        "DELETE|/x|405 Method Not Allowed",
    })
    void http10ErrorsHaveHttp10StatusLines(String method, String target, String status) throws Exception {
        try (RawHttp client = RawHttp.connect(server).requestIn("HTTP/1.0", method, TestServer.PREFIX + target,
                "Content-Length: 0")) {
            RawHttp.Head head = client.head();
            assertEquals("HTTP/1.0 " + status, head.statusLine());
            assertNames(head, List.of("Content-Type", "Content-Length", "Access-Control-Allow-Origin"));
            assertEquals("text/plain", head.header("Content-Type"));
            String body = readAll(client);
            assertTrue(body.startsWith("[ERROR] ") && body.endsWith("\n") && body.indexOf('\n') == body.length() - 1,
                    body);
        }
    }
}
