package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules a request must keep before it is served, over raw sockets (PROTOCOL.md section 10), each of them
 * broken by the build before this test: a request pipelined after a pipe exchange became a ghost receiver; a coding
 * other than chunked, a dot segment and two Authorization headers were served; and a request Jetty could not parse
 * was answered with an HTTP/1.0 status line whatever its version.
 */
class RequestRulesHttpTest {

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /**
     * A GET pipelined after a sender's PUT on one connection is not served once the PUT's response said
     * {@code Connection: close}: it does not wait on its pipe as a receiver nobody is there for, so that a real sender
     * to that pipe still waits for its receiver instead of being told every byte was received. The PUT waits for its
     * receiver first, with its whole body in, so that the server watches its connection (the ordering that let Jetty
     * serve the GET).
     */
    @Test
    void aRequestPipelinedAfterAWaitingSendersPutIsNotServed() throws Exception {
        try (RawHttp pipelined = RawHttp.connect(server)) {
            pipelined.write(("PUT " + TestServer.PREFIX + "/q3 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET " + TestServer.PREFIX + "/q4 HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("close", pipelined.head().header("Connection"));
            ProgressLines progress = ProgressLines.read(pipelined.body(), "q3");
            progress.await("[INFO] Waiting for 1 receiver(s)...", 1);
            // a deliberate silence: the server starts to watch the waiting sender's connection once its body is all
            // read, which no client can observe; the receiver comes after it, as a person's would
            Thread.sleep(300);
            try (RawHttp receiver = RawHttp.get(server, "q3")) {
                assertEquals("hello", new String(receiver.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            progress.awaitEnd();
            assertTrue(pipelined.body().complete(), "the PUT's transfer completed");
            assertTrue(pipelined.readTimeout(Duration.ofSeconds(10)).awaitServerClose(),
                    "the connection ends with the PUT's response: the GET after it gets no answer");
        }
        assertNoGhostOn("q4");
    }

    /** The same when the PUT's pipe is established at once (its receiver was there first; Jetty kept this one right). */
    @Test
    void aRequestPipelinedAfterAnEstablishedSendersPutIsNotServed() throws Exception {
        try (RawHttp receiver = RawHttp.get(server, "q5")) {
            server.awaitReceivers("q5", 1);
            try (RawHttp pipelined = RawHttp.connect(server)) {
                pipelined.write(("PUT " + TestServer.PREFIX + "/q5 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
                        + "hello" + "GET " + TestServer.PREFIX + "/q6 HTTP/1.1\r\nHost: a\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("close", pipelined.head().header("Connection"));
                pipelined.body().drainInto(null);
                assertTrue(pipelined.body().complete(), "the PUT's transfer completed");
                assertTrue(pipelined.readTimeout(Duration.ofSeconds(10)).awaitServerClose(),
                        "the connection ends with the PUT's response: the GET after it gets no answer");
            }
            assertEquals("hello", new String(receiver.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertNoGhostOn("q6");
    }

    /** A real sender on {@code path} waits for its receiver: no receiver joined there. */
    private void assertNoGhostOn(String path) throws Exception {
        try (RawHttp sender = RawHttp.putChunked(server, path)) {
            ProgressLines progress = ProgressLines.read(sender.body(), path);
            progress.await("[INFO] Waiting for 1 receiver(s)...", 1);
            server.awaitSender(path);
            assertEquals(0, server.receiversJoined(path), "no ghost receiver on " + path);
        }
    }


    @ParameterizedTest
    @ValueSource(strings = {"a/../b", "a/./b", "./b", "a/..", "a/."})
    void aDotSegmentIsA400(String path) throws Exception {
        try (RawHttp receiver = RawHttp.connect(server)) {
            receiver.request("GET", TestServer.PREFIX + "/" + path);
            RawHttp.Head head = receiver.head();
            assertEquals(400, head.status(), path + " -> " + head);
            assertTrue(new String(receiver.body().readAllBytes(), StandardCharsets.UTF_8)
                    .startsWith("[ERROR] A path may not have a '.' or '..' segment"), path);
        }
        assertEquals(0, server.registry().size(), "no pipe was made for " + path);
    }

    @Test
    void twoAuthorizationHeadersAreA400() throws Exception {
        try (RawHttp receiver = RawHttp.connect(server)) {
            receiver.request("GET", TestServer.PREFIX + "/auth", "Authorization: Bearer one",
                    "Authorization: Bearer two");
            RawHttp.Head head = receiver.head();
            assertEquals(400, head.status(), head.toString());
            assertEquals("[ERROR] Send one Authorization header, not 2.\n",
                    new String(receiver.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(0, server.registry().size());
    }

}
