package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.ALL_RECEIVED;
import static dev.pipe.servlet.HttpAsserts.RECEIVER_CONNECTED;
import static dev.pipe.servlet.HttpAsserts.SENT;
import static dev.pipe.servlet.HttpAsserts.assertNames;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.readAll;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bytes on the wire, over raw sockets, as piping-server 1.12.9 sends them (PROTOCOL.md sections 5 and 7):
 * status lines, header names case for case, forwarded headers, the security headers, the preflight, and the sender's
 * lines in both arrival orders.
 */
class WireHttpTest {

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** The headers every pipe response carries, named as the reference names them. */
    private static final List<String> ALWAYS = List.of("Access-Control-Allow-Origin", "X-Robots-Tag",
            "X-Content-Type-Options", "Cache-Control", "X-Accel-Buffering");

    @Test
    void receiverGetsTheForwardedAndSecurityHeadersNamedExactly() throws Exception {
        try (RawHttp receiver = RawHttp.get(server, "headers")) {
            server.awaitReceivers("headers", 1);
            byte[] body = "<script>alert(1)</script>\n".getBytes(StandardCharsets.UTF_8);
            try (RawHttp sender = RawHttp.connect(server).request("PUT", TestServer.PREFIX + "/headers",
                    "Content-Type: text/html; charset=utf-8", "Content-Disposition: attachment; filename=\"page.html\"",
                    "X-Piping: first", "X-Piping: second=2", "Content-Length: " + body.length)) {
                sender.write(body, 0, body.length);
                RawHttp.Head head = receiver.head();
                assertEquals("HTTP/1.1 200 OK", head.statusLine());
                assertNames(head, ALWAYS);
                assertNames(head, List.of("Content-Type", "Content-Length", "Content-Disposition", "X-Piping",
                        "Access-Control-Expose-Headers", "Content-Security-Policy"));
                assertEquals("text/plain; charset=utf-8", head.header("Content-Type"), "text/html is served as text");
                assertEquals(String.valueOf(body.length), head.header("Content-Length"));
                assertEquals("attachment; filename=\"page.html\"", head.header("Content-Disposition"));
                assertEquals(List.of("first", "second=2"), head.all("X-Piping"), "each X-Piping value on its own line");
                assertEquals("Content-Disposition, X-Piping", head.header("Access-Control-Expose-Headers"));
                assertSecurityHeaders(head);
                assertEquals("sandbox", head.header("Content-Security-Policy"));
                assertEquals(new String(body, StandardCharsets.UTF_8), readAll(receiver));
                assertTrue(readAll(sender).contains(ALL_RECEIVED));
            }
        }
    }

    /**
     * {@code text/html} (in any case) becomes {@code text/plain} with its parameters as sent; other types pass as sent.
     * (The reference replaces only a lowercase {@code text/html}.)
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "text/html|text/plain",
        "text/html;charset=Shift_JIS|text/plain;charset=Shift_JIS",
        "TEXT/HTML ; q=1|text/plain; q=1",
        "application/json; charset=UTF-8|application/json; charset=UTF-8",
        "image/svg+xml|image/svg+xml",
        "application/octet-stream|application/octet-stream",
    })
    void contentTypeIsForwardedAndNeverServesAPage(String sent, String received) throws Exception {
        try (RawHttp receiver = RawHttp.get(server, "type")) {
            server.awaitReceivers("type", 1);
            try (RawHttp sender = RawHttp.connect(server).request("PUT", TestServer.PREFIX + "/type",
                    "Content-Type: " + sent, "Content-Length: 2")) {
                sender.write("ok".getBytes(StandardCharsets.US_ASCII), 0, 2);
                RawHttp.Head head = receiver.head();
                assertEquals(received, head.header("Content-Type"));
                assertEquals("nosniff", head.header("X-Content-Type-Options"));
                assertEquals("sandbox", head.header("Content-Security-Policy"));
                assertEquals(null, head.header("Access-Control-Expose-Headers"), "nothing to expose");
                assertEquals("ok", readAll(receiver));
                readAll(sender);
            }
        }
    }

    @Test
    void senderResponseIsPlainTextWithTheSecurityHeaders() throws Exception {
        try (RawHttp receiver = RawHttp.get(server, "sender-head")) {
            server.awaitReceivers("sender-head", 1);
            try (RawHttp sender = RawHttp.connect(server).request("PUT", TestServer.PREFIX + "/sender-head",
                    "Content-Length: 1")) {
                sender.write(new byte[] {'x'}, 0, 1);
                RawHttp.Head head = sender.head();
                assertEquals("HTTP/1.1 200 OK", head.statusLine());
                assertNames(head, ALWAYS);
                assertNames(head, List.of("Content-Type"));
                assertEquals("text/plain", head.header("Content-Type"));
                assertSecurityHeaders(head);
                assertEquals("x", readAll(receiver));
                readAll(sender);
            }
        }
    }

    /** Receivers first: the sender hears how many are there, then the start, then the end (the reference's text). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void senderLinesInEveryArrivalOrder(int receiversFirst) throws Exception {
        List<RawHttp> receivers = new ArrayList<>();
        try {
            for (int i = 0; i < receiversFirst; i++) {
                receivers.add(RawHttp.get(server, "order?n=2"));
            }
            server.awaitReceivers("order", receiversFirst);
            RawHttp sender = RawHttp.putChunked(server, "order?n=2");
            receivers.add(sender);
            server.awaitSender("order");
            for (int i = receiversFirst; i < 2; i++) {
                receivers.add(RawHttp.get(server, "order?n=2"));
                server.awaitReceivers("order", i + 1);
            }
            sender.chunk("line\n".getBytes(StandardCharsets.UTF_8));
            sender.lastChunk();
            for (RawHttp receiver : receivers) {
                if (receiver != sender) {
                    assertEquals("line\n", readAll(receiver));
                }
            }
            List<String> expected = new ArrayList<>();
            expected.add(waiting(2));
            if (receiversFirst > 0) {
                expected.add(connected(receiversFirst));
            }
            for (int i = receiversFirst; i < 2; i++) {
                expected.add(RECEIVER_CONNECTED);
            }
            expected.addAll(List.of(started(2), SENT, ALL_RECEIVED));
            List<String> lines = Arrays.asList(readAll(sender).split("\n"));
            assertEquals(expected, lines.subList(0, expected.size()), String.join("\n", lines));
            assertEquals(expected.size() + 1, lines.size(), "then the summary: " + lines);
            assertTrue(lines.get(expected.size()).startsWith("[INFO] Done: 5 B to 2 receiver(s) in "), lines.toString());
        } finally {
            for (RawHttp receiver : receivers) {
                receiver.close();
            }
        }
    }


    /** The preflight, header for header and in the reference's order, with private-network access when asked. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void preflightMatchesTheReference(boolean privateNetwork) throws Exception {
        List<String> request = new ArrayList<>(List.of("Origin: http://192.168.1.2:3000",
                "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type, x-piping"));
        if (privateNetwork) {
            request.add("Access-Control-Request-Private-Network: true");
        }
        try (RawHttp client = RawHttp.connect(server).request("OPTIONS", TestServer.PREFIX + "/preflight",
                request.toArray(String[]::new))) {
            RawHttp.Head head = client.head();
            assertEquals("HTTP/1.1 200 OK", head.statusLine());
            List<String> expected = new ArrayList<>(List.of("Access-Control-Allow-Origin",
                    "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"));
            if (privateNetwork) {
                expected.add("Access-Control-Allow-Private-Network");
            }
            expected.addAll(List.of("Access-Control-Expose-Headers", "Access-Control-Max-Age", "Content-Length"));
            List<String> names = new ArrayList<>(head.names());
            names.retainAll(expected);
            assertEquals(expected, names, "the reference's headers, in its order: " + head.names());
            assertEquals("*", head.header("Access-Control-Allow-Origin"));
            assertEquals("GET, HEAD, POST, PUT, OPTIONS", head.header("Access-Control-Allow-Methods"));
            assertEquals("Content-Type, Content-Disposition, X-Piping", head.header("Access-Control-Allow-Headers"));
            assertEquals("Access-Control-Allow-Headers", head.header("Access-Control-Expose-Headers"),
                    "a page may read which headers are allowed (it tells whether X-Piping is)");
            assertEquals("86400", head.header("Access-Control-Max-Age"));
            assertEquals(privateNetwork ? "true" : null, head.header("Access-Control-Allow-Private-Network"));
            assertEquals("0", head.header("Content-Length"));
            assertEquals("", readAll(client));
        }
    }

    private static void assertSecurityHeaders(RawHttp.Head head) {
        assertEquals("*", head.header("Access-Control-Allow-Origin"));
        assertEquals("none", head.header("X-Robots-Tag"));
        assertEquals("nosniff", head.header("X-Content-Type-Options"));
        assertEquals("no-store", head.header("Cache-Control"));
        assertEquals("no", head.header("X-Accel-Buffering"));
    }
}
