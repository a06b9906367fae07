package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipe.core.PipeConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sender's reads keep to the servlet rule that once {@code isReady()} has said no, nothing is read until Jetty
 * calls {@code onDataAvailable}. Found by the churn test: a receiver leaving between two chunks completed the chunk
 * in flight at once, the next demand came while Jetty's callback for newly arrived bytes was pending, and a second
 * {@code isReady()} made Jetty throw, which cut the transfer off for the receiver that stayed. This shape repeated
 * 100 times failed within the first 60 before the fix.
 */
class ReadCallbackHttpTest {

    private static final int ROUNDS = 100;

    @Test
    void aReceiverLeavingBetweenChunksDoesNotCutTheOneThatStays() throws Exception {
        PipeConfig config = PipeConfig.defaults().withChunkSize(16 * 1024).withJoinTimeout(Duration.ofSeconds(10));
        try (TestServer server = TestServer.start(config)) {
            for (int i = 0; i < ROUNDS; i++) {
                oneLeavesBetweenTwoChunks(server, "r" + i, TestData.logLines(i, 14100));
            }
        }
    }

    /**
     * A receiver waits, and a sender's whole (small) body arrives with its request: the pipe is established while the
     * sender joins, before it listens for its body. Nothing may be read before the listener is set: a read then was
     * a blocking one, the transfer could end first, and Jetty refused the late listener with an exception that cut
     * the sender's response off (about once in 800 before the fix).
     */
    @Test
    void aSenderWhoseBodyIsAllInCompletesAPipeThatWaitsForIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            byte[] body = "from the jar\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < 5 * ROUNDS; i++) {
                String path = "small-" + i;
                try (RawHttp receiver = RawHttp.get(server, path)) {
                    server.awaitReceivers(path, 1);
                    try (RawHttp sender = RawHttp.connect(server)) {
                        sender.request("PUT", TestServer.PREFIX + "/" + path, "Content-Length: " + body.length);
                        sender.write(body);
                        sender.body().drainInto(null);
                        assertEquals(true, sender.body().complete(), "the sender's progress ended normally, " + path);
                    }
                    assertArrayEquals(body, receiver.body().readAllBytes(), path);
                }
            }
        }
    }

    /**
     * Two receivers of {@code path}; after the first chunk of {@code payload}, one hangs up (a reset), and the sender
     * sends the payload again: the one that stays gets both, exactly.
     */
    static void oneLeavesBetweenTwoChunks(TestServer server, String path, byte[] payload) throws Exception {
        StreamingReceiver stays = StreamingReceiver.start(server, path, 2, true);
        RawHttp leaves = RawHttp.get(server, path + "?n=2");
        server.awaitReceivers(path, 2);
        try (RawHttp sender = RawHttp.putChunked(server, path + "?n=2")) {
            sender.chunk(payload);
            assertEquals(200, leaves.head().status());
            leaves.reset();
            sender.chunk(payload);
            sender.lastChunk();
            sender.body().drainInto(null);
        }
        byte[] both = new byte[payload.length * 2];
        System.arraycopy(payload, 0, both, 0, payload.length);
        System.arraycopy(payload, 0, both, payload.length, payload.length);
        assertArrayEquals(both, stays.await().assertOk().bytes(), "the receiver that stayed, on " + path);
    }
}
