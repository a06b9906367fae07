package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.RECEIVER_CONNECTED;
import static dev.pipe.servlet.HttpAsserts.assertError;
import static dev.pipe.servlet.HttpAsserts.assertTransferWorks;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.Timeout;

/**
 * The join window and waiting parties that leave (PROTOCOL.md section 4): a pipe that is not established in time
 * expires with a clear error to everyone waiting, and a party that leaves gives its slot back; either way the path is
 * free again.
 */
@Timeout(60)
@ParameterizedClass
@MethodSource("dev.pipe.servlet.Containers#underTest")
class JoinTimeoutHttpTest {

    @Parameter
    Containers container;

    /** Short, so that the window ends during the test; long enough for a machine under load to join in time. */
    private static final PipeConfig SHORT_WINDOW = PipeConfig.defaults().withJoinTimeout(Duration.ofSeconds(2));

    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Receivers still waiting when the join window ends get 504 and one line saying who did not come. */
    @Test
    void waitingReceiversGet504SayingWhoDidNotCome() throws Exception {
        server = TestServer.start(container, SHORT_WINDOW);
        String path = "late-team";
        CompletableFuture<HttpResponse<String>> first = receive(path, 3);
        CompletableFuture<HttpResponse<String>> second = receive(path, 3);

        String message = "The pipe was not established within 2s: the sender and 1 of 3 receiver(s) did not come.";
        for (CompletableFuture<HttpResponse<String>> receiver : List.of(first, second)) {
            HttpResponse<String> response = receiver.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertError(response, 504, message);
            // Jetty: the server watched this connection for the client leaving and cannot stop: it closes it, and
            // says so (Tomcat keeps it); over HTTP/2 a stream ends, never its connection, and no such header exists
            boolean says = container.endsPipeConnections() && response.version() == HttpClient.Version.HTTP_1_1;
            assertEquals(says ? List.of("close") : List.of(),
                    response.headers().allValues("Connection"), response.headers().map().toString());
        }
        server.awaitGone(path);
        assertEquals(PipeState.EXPIRED, server.lastEnd(path));

        assertTransferWorks(server, path, 2);
    }

    /**
     * A sender still waiting when the join window ends gets an [ERROR] line last, and its response is cut off after
     * it (no last chunk), so that its client sees a failure: {@code curl} exits non-zero.
     */
    @Test
    void waitingSenderGetsAnErrorLineAndItsResponseIsCutOff() throws Exception {
        server = TestServer.start(container, SHORT_WINDOW);
        String path = "lonely-sender";
        CompletableFuture<HttpResponse<InputStream>> sender = server.client().sendAsync(
                HttpRequest.newBuilder(server.uri(path, 2)).PUT(BodyPublishers.ofString("nobody reads this\n")).build(),
                BodyHandlers.ofInputStream());
        server.awaitSender(path);
        CompletableFuture<HttpResponse<String>> receiver = receive(path, 2);

        String message = "The pipe was not established within 2s: 1 of 2 receiver(s) did not come.";
        assertError(receiver.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), 504, message);
        HttpResponse<InputStream> progress = sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, progress.statusCode());
        HttpAsserts.Read read = HttpAsserts.readToEndOrCut(progress.body());
        assertEquals(List.of(waiting(2), RECEIVER_CONNECTED, "[ERROR] " + message), read.lines());
        assertFalse(read.ended(), "the sender's response is cut off after its [ERROR] line, not ended");
        server.awaitGone(path);
        assertEquals(PipeState.EXPIRED, server.lastEnd(path));

        assertTransferWorks(server, path, 1);
    }

    /** The only receiver of a waiting pipe hangs up: the pipe is gone, and a new transfer on the path works. */
    @Test
    void waitingReceiverThatHangsUpLeavesNoPipe() throws Exception {
        assumeTrue(container.noticesAWaitingPartyLeaving(), "Tomcat notices it when the pipe starts (PROTOCOL.md 12)");
        server = TestServer.start(container);
        String path = "gave-up";
        try (RawHttp receiver = RawHttp.get(server, path + "?n=1")) {
            server.awaitReceivers(path, 1);
        } // closed: the client is gone
        server.awaitGone(path);
        assertEquals(PipeState.ABANDONED, server.lastEnd(path));

        assertTransferWorks(server, path, 1);
    }

    /** One of two waiting receivers hangs up; a new receiver takes its slot and the transfer works for both. */
    @Test
    void waitingReceiverThatHangsUpGivesItsSlotBack() throws Exception {
        assumeTrue(container.noticesAWaitingPartyLeaving(), "Tomcat notices it when the pipe starts (PROTOCOL.md 12)");
        server = TestServer.start(container);
        String path = "one-left";
        StreamingReceiver stays = StreamingReceiver.start(server, path, 2, true);
        try (RawHttp leaves = RawHttp.get(server, path + "?n=2")) {
            server.awaitReceivers(path, 2);
            // a FIN, as when curl is stopped; the server answers by closing the connection, which tells us it noticed
            leaves.shutdownOutput();
            assertTrue(leaves.awaitServerClose(), "the server closes the connection of a receiver that left");
        }
        StreamingReceiver comes = StreamingReceiver.start(server, path, 2, true);
        server.awaitReceivers(path, 3);

        byte[] payload = "for the two who stayed\n".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> progress = server.client().send(HttpRequest.newBuilder(server.uri(path, 2))
                .PUT(BodyPublishers.ofByteArray(payload)).build(), BodyHandlers.ofString());
        HttpAsserts.assertCompleted(progress.body(), 2, waiting(2), connected(2), started(2));
        assertArrayEquals(payload, stays.await().assertOk().bytes());
        assertArrayEquals(payload, comes.await().assertOk().bytes());
    }

    /** A waiting sender that hangs up halfway through its body leaves no pipe; a new transfer on the path works. */
    @Test
    void waitingSenderThatHangsUpLeavesNoPipe() throws Exception {
        server = TestServer.start(container);
        String path = "sender-gave-up";
        try (RawHttp sender = RawHttp.putChunked(server, path + "?n=1")) {
            assertEquals(200, sender.head().status());
            sender.chunk("half of a body".getBytes(StandardCharsets.UTF_8));
            server.awaitSender(path);
        } // closed in the middle of its chunked body
        server.awaitGone(path);
        assertEquals(PipeState.ABANDONED, server.lastEnd(path));

        assertTransferWorks(server, path, 1);
    }

    private CompletableFuture<HttpResponse<String>> receive(String path, int n) {
        return server.client().sendAsync(HttpRequest.newBuilder(server.uri(path, n)).GET().build(),
                BodyHandlers.ofString());
    }
}
