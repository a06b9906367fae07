package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.ALL_ABORTED;
import static dev.pipe.servlet.HttpAsserts.RECEIVER_ABORTED;
import static dev.pipe.servlet.HttpAsserts.assertReachedSome;
import static dev.pipe.servlet.HttpAsserts.assertTransferWorks;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static dev.pipe.servlet.HttpAsserts.withoutStatusLines;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import dev.pipe.core.access.AccessPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parties that leave mid-stream (PROTOCOL.md section 6): a receiver that hangs up is dropped alone and the sender is
 * told once; when none is left the sender's request ends with [ERROR]; a sender that hangs up cuts every receiver
 * off so that each can tell, and frees the path.
 */
@Timeout(60)
@ParameterizedClass
@MethodSource("dev.pipe.servlet.Containers#underTest")
class AbortHttpTest {

    @Parameter
    Containers container;

    private static final byte[] FIRST = TestData.logLines(11L, 200_000);
    private static final byte[] SECOND = TestData.logLines(12L, 100_000);

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(container, PipeConfig.defaults(), AccessPolicy.OPEN);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> receiverAborts() {
        return Stream.of(arguments(2, 1), arguments(3, 1), arguments(3, 2));
    }

    /**
     * Receivers that hang up mid-stream are dropped alone: the sender is told once each, the others get every byte,
     * and the sender's response ends with an [ERROR] line and is cut off, since its transfer did not reach everyone.
     */
    @ParameterizedTest(name = "n={0}, {1} hang up")
    @MethodSource("receiverAborts")
    void receiverThatHangsUpMidStreamIsDroppedAlone(int n, int aborting) throws Exception {
        String path = "abort-rx-" + n + "-" + aborting;
        List<StreamingReceiver> healthy = new ArrayList<>();
        for (int i = 0; i < n - aborting; i++) {
            healthy.add(StreamingReceiver.start(server, path, n, true));
        }
        List<RawHttp> leaving = new ArrayList<>();
        try {
            for (int i = 0; i < aborting; i++) {
                leaving.add(RawHttp.get(server, path + "?n=" + n));
            }
            server.awaitReceivers(path, n);
            try (RawHttp sender = RawHttp.putChunked(server, path + "?n=" + n)) {
                assertEquals(200, sender.head().status());
                ProgressLines progress = ProgressLines.read(sender.body(), path);
                sender.chunk(FIRST);
                for (RawHttp receiver : leaving) {
                    readPartOfTheBody(receiver);
                    receiver.close(); // hangs up with bytes unread
                }
                if (container.noticesAStreamingReceiverLeavingAtOnce()) {
                    progress.await(RECEIVER_ABORTED, aborting);
                } // else: noticed at the next write, the second chunk's

                sender.chunk(SECOND);
                sender.lastChunk();
                List<String> lines = progress.awaitEnd();
                String[] head = new String[3 + aborting];
                head[0] = waiting(n);
                head[1] = connected(n);
                head[2] = started(n);
                for (int i = 0; i < aborting; i++) {
                    head[3 + i] = RECEIVER_ABORTED;
                }
                // the stream reached only those who stayed: the sender's response says so, and is cut off
                assertReachedSome(lines, n - aborting, n, head);
                assertFalse(sender.body().complete(), "the sender's response is cut off, not ended");
            }
        } finally {
            for (RawHttp receiver : leaving) {
                receiver.close();
            }
        }
        byte[] expected = concat(FIRST, SECOND);
        for (StreamingReceiver receiver : healthy) {
            assertArrayEquals(expected, receiver.await().assertOk().bytes(), "a receiver that stayed gets every byte");
        }
        server.awaitGone(path);
        assertEquals(PipeState.COMPLETED, server.lastEnd(path));
    }

    /** When every receiver hangs up, the sender is told so: its progress ends with an [ERROR] line, then is cut off. */
    @Test
    void allReceiversHangingUpEndTheSenderWithAnError() throws Exception {
        String path = "abort-all";
        try (RawHttp first = RawHttp.get(server, path + "?n=2"); RawHttp second = RawHttp.get(server, path + "?n=2")) {
            server.awaitReceivers(path, 2);
            try (RawHttp sender = RawHttp.putChunked(server, path + "?n=2")) {
                assertEquals(200, sender.head().status());
                ProgressLines progress = ProgressLines.read(sender.body(), path);
                sender.chunk(FIRST);
                readPartOfTheBody(first);
                readPartOfTheBody(second);
                first.close();
                second.close();
                if (!container.noticesAStreamingReceiverLeavingAtOnce()) {
                    sender.chunk(SECOND); // noticed at the next write
                }

                List<String> lines = withoutStatusLines(progress.awaitEnd());
                assertEquals(List.of(waiting(2), connected(2), started(2), RECEIVER_ABORTED, RECEIVER_ABORTED,
                        ALL_ABORTED, "[ERROR] No receiver is left: the transfer was cut off."), lines);
                assertFalse(sender.body().complete(), "the sender's response is cut off, not ended");
            }
        }
        server.awaitGone(path);
        assertEquals(PipeState.FAILED, server.lastEnd(path));

        assertTransferWorks(server, path, 2);
    }

    /**
     * A sender that hangs up mid-stream cuts every receiver off: an HttpClient receiver's body fails, a raw receiver
     * sees the connection end without the body's proper end; the path is free again.
     */
    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"chunked", "Content-Length"})
    void senderThatHangsUpMidStreamCutsEveryReceiverOff(String framing) throws Exception {
        String path = "abort-tx-" + framing;
        boolean chunked = framing.equals("chunked");
        long declared = 2L * FIRST.length;
        StreamingReceiver client = StreamingReceiver.start(server, path, 2, false);
        try (RawHttp raw = RawHttp.get(server, path + "?n=2")) {
            server.awaitReceivers(path, 2);
            try (RawHttp sender = RawHttp.connect(server)) {
                if (chunked) {
                    sender.request("PUT", TestServer.PREFIX + "/" + path + "?n=2", "Transfer-Encoding: chunked");
                    sender.chunk(FIRST);
                } else {
                    sender.request("PUT", TestServer.PREFIX + "/" + path + "?n=2", "Content-Length: " + declared);
                    sender.write(FIRST, 0, FIRST.length);
                }
                assertEquals(200, sender.head().status());
                assertEquals(200, raw.head().status());
                byte[] buffer = new byte[8192];
                while (raw.body().count() < FIRST.length) {
                    assertTrue(raw.body().read(buffer, 0, buffer.length) >= 0,
                            "the raw receiver gets the first part before the sender leaves");
                }
                client.awaitCount(FIRST.length);
            } // the sender hangs up halfway through its body

            try {
                raw.body().drainInto(null);
            } catch (IOException reset) {
                // a reset is a cut-off too
            }
            assertFalse(raw.body().complete(), "a raw receiver must see its body cut off, not ended: "
                    + raw.body().count() + " bytes, framing " + raw.head());
            assertEquals(FIRST.length, raw.body().count());
            assertEquals(chunked ? null : String.valueOf(declared), raw.head().header("Content-Length"));
            assertEquals(chunked ? "chunked" : null, raw.head().header("Transfer-Encoding"));
        }
        StreamingReceiver.Result got = client.await();
        assertNotNull(got.failure(), "the HttpClient receiver's body must fail, not end; it got " + got.count()
                + " bytes, status " + got.status());
        assertNull(got.sha256());
        assertEquals(200, got.status());
        assertEquals(FIRST.length, got.count());

        server.awaitGone(path);
        assertEquals(PipeState.FAILED, server.lastEnd(path));
        assertTransferWorks(server, path, 2);
    }

    /** Reads the head and some of the body (at least 1 KiB), as a client that then gives up. */
    private static void readPartOfTheBody(RawHttp receiver) throws IOException {
        assertEquals(200, receiver.head().status(), receiver.head().toString());
        byte[] buffer = new byte[1024];
        int read = 0;
        while (read < buffer.length) {
            int n = receiver.body().read(buffer, read, buffer.length - read);
            assertTrue(n >= 0, "the body ended early, after " + read + " bytes");
            read += n;
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(first);
        bytes.writeBytes(second);
        return bytes.toByteArray();
    }
}
