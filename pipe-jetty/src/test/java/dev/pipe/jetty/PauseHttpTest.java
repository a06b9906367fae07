package dev.pipe.jetty;

import static dev.pipe.jetty.HttpAsserts.assertCompleted;
import static dev.pipe.jetty.HttpAsserts.connected;
import static dev.pipe.jetty.HttpAsserts.started;
import static dev.pipe.jetty.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeState;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A paused sender pauses the pipe, not breaks it (PROTOCOL.md section 6): the container's own idle timeout must not
 * cut a pipe whose sender is silent for longer than it.
 */
@Timeout(120)
class PauseHttpTest {

    /** Longer than Jetty's default connector idle timeout (30 s), which the test server keeps. */
    private static final Duration PAUSE = Duration.ofSeconds(35);

    /** A sender silent for 35 s mid-stream keeps its pipe: afterwards the rest flows and every byte arrives. */
    @Test
    void senderSilentLongerThanTheContainerIdleTimeoutKeepsItsPipe() throws Exception {
        try (TestServer server = TestServer.start()) {
            assertTrue(PAUSE.compareTo(server.connectorIdleTimeout()) > 0,
                    "the pause must outlast the connector's idle timeout " + server.connectorIdleTimeout());
            String path = "ctrl-z";
            byte[] before = TestData.logLines(1L, 20_000);
            byte[] after = TestData.logLines(2L, 20_000);
            StreamingReceiver receiver = StreamingReceiver.start(server, path, 1, true);
            server.awaitReceivers(path, 1);
            try (RawHttp sender = RawHttp.putChunked(server, path + "?n=1")) {
                sender.readTimeout(PAUSE.plus(TestServer.LONG_WAIT)); // its progress is silent during the pause too
                assertEquals(200, sender.head().status());
                ProgressLines progress = ProgressLines.read(sender.body(), path);
                sender.chunk(before);
                receiver.awaitCount(before.length);

                // The pause under test: a clock-paced silence of the sender (ctrl-Z), not a wait for an event.
                long resume = System.nanoTime() + PAUSE.toNanos();
                for (long left = PAUSE.toNanos(); left > 0; left = resume - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                assertEquals(before.length, receiver.count(), "nothing moves while the sender is paused");
                assertEquals(PipeState.STREAMING, server.registry().state(server.key(path)),
                        "the pipe outlives the pause");

                sender.chunk(after);
                sender.lastChunk();
                assertCompleted(progress.awaitEnd(), 1, waiting(1), connected(1), started(1));
                assertTrue(sender.body().complete(), "the sender's progress ends with its last chunk");
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(before);
            expected.writeBytes(after);
            assertArrayEquals(expected.toByteArray(), receiver.await().assertOk().bytes());
            server.awaitGone(path);
            assertEquals(PipeState.COMPLETED, server.lastEnd(path));
        }
    }
}
