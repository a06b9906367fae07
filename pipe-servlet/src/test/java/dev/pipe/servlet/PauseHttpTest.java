package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertCompleted;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeState;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.Timeout;

/**
 * A paused sender pauses the pipe, not breaks it (PROTOCOL.md section 6): the container's own idle timeout must not
 * cut a pipe whose sender is silent for longer than it, nor a receiver that takes nothing for that long under
 * {@code block}.
 */
@Timeout(120)
@ParameterizedClass
@MethodSource("dev.pipe.servlet.Containers#underTest")
class PauseHttpTest {

    @Parameter
    Containers container;

    /** Longer than Jetty's default connector idle timeout (30 s), which the test server keeps. */
    private static final Duration PAUSE = Duration.ofSeconds(35);

    /**
     * A sender silent for 35 s mid-stream keeps its pipe: afterwards the rest flows and every byte arrives. Over the
     * same 35 s, on a second pipe, a receiver that reads nothing (a write of the server pending all along) is not cut
     * by the connection's idle timeout: the slowest governs, and when it reads again, everyone completes.
     */
    @Test
    void silenceLongerThanTheContainerIdleTimeoutKeepsThePipe() throws Exception {
        try (TestServer server = TestServer.start(container)) {
            assertTrue(PAUSE.compareTo(server.connectorIdleTimeout()) > 0,
                    "the pause must outlast the connector's idle timeout " + server.connectorIdleTimeout());
            String path = "ctrl-z";
            byte[] before = TestData.logLines(1L, 20_000);
            byte[] after = TestData.logLines(2L, 20_000);
            StreamingReceiver receiver = StreamingReceiver.start(server, path, 1, true);
            server.awaitReceivers(path, 1);
            FrozenReceiver frozen = FrozenReceiver.start(server, "frozen-laptop");
            // a third pipe waits through the pause for its second receiver: its sender hears the keep-alive line
            StreamingReceiver early = StreamingReceiver.start(server, "late-engineer", 2, true);
            server.awaitReceivers("late-engineer", 1);
            RawHttp waitingSender = RawHttp.putChunked(server, "late-engineer?n=2");
            waitingSender.readTimeout(PAUSE.plus(TestServer.LONG_WAIT));
            ProgressLines waitingProgress = ProgressLines.read(waitingSender.body(), "late-engineer");
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

                frozen.thawAndCheck();
                sender.chunk(after);
                sender.lastChunk();
                List<String> lines = progress.awaitEnd();
                assertCompleted(lines, 1, waiting(1), connected(1), started(1));
                assertTrue(lines.stream().anyMatch(line -> line.matches(
                        "\\[INFO] Streaming to 1 receiver\\(s\\) at [0-9.]+ [KMG]?B/s \\([0-9.]+ [KMG]?B sent\\)")),
                        "a status line every 20 s while paused: " + lines);
                assertTrue(sender.body().complete(), "the sender's progress ends with its last chunk");
            }
            // the waiting sender heard, within the pause, that 1 of 2 receivers is there
            try (waitingSender) {
                waitingProgress.await("[INFO] 1 of 2 receiver(s) connected; waiting for the rest...");
                StreamingReceiver late = StreamingReceiver.start(server, "late-engineer", 2, true);
                byte[] line = "07:23:16 ERR  500 stripe timeout\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                waitingSender.chunk(line);
                waitingSender.lastChunk();
                List<String> waited = waitingProgress.awaitEnd();
                assertCompleted(waited, 2, waiting(2), connected(1),
                        "[INFO] 1 of 2 receiver(s) connected; waiting for the rest...", HttpAsserts.RECEIVER_CONNECTED,
                        started(2));
                assertArrayEquals(line, early.await().assertOk().bytes());
                assertArrayEquals(line, late.await().assertOk().bytes());
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(before);
            expected.writeBytes(after);
            assertArrayEquals(expected.toByteArray(), receiver.await().assertOk().bytes());
            server.awaitGone(path);
            assertEquals(PipeState.COMPLETED, server.lastEnd(path));
        }
    }

    /** Two receivers and a sender on one pipe, one receiver reading nothing until thawed. */
    private static final class FrozenReceiver {
        private static final long TOTAL = 32L * 1024 * 1024;

        private final TestServer server;
        private final String path;
        private final StreamingReceiver fast;
        private final RawHttp stalled;
        private final TestData.PatternStream source;
        private final CompletableFuture<HttpResponse<String>> sender;

        private FrozenReceiver(TestServer server, String path) throws Exception {
            this.server = server;
            this.path = path;
            fast = StreamingReceiver.start(server, path, 2, false);
            stalled = RawHttp.connect(server, 64 * 1024);
            stalled.request("GET", TestServer.PREFIX + "/" + path + "?n=2");
            server.awaitReceivers(path, 2);
            source = new TestData.PatternStream(11L, TOTAL, 64 * 1024);
            sender = server.client().sendAsync(HttpRequest.newBuilder(server.uri(path, 2))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> source)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stalled.head().status(), stalled.head().toString());
            long held = TestData.awaitSettled(fast::count);
            assertTrue(held < TOTAL, "the frozen receiver holds the pipe back: the fast one got " + held);
        }

        static FrozenReceiver start(TestServer server, String path) throws Exception {
            return new FrozenReceiver(server, path);
        }

        /** Reads the frozen receiver's body at last: it must be whole, and the transfer complete. */
        void thawAndCheck() throws Exception {
            try (stalled) {
                assertEquals(PipeState.STREAMING, server.registry().state(server.key(path)),
                        "a receiver frozen for longer than the idle timeout keeps its pipe under block");
                MessageDigest digest = TestData.sha256();
                assertEquals(TOTAL, stalled.body().drainInto(digest));
                assertTrue(stalled.body().complete(), "the frozen receiver's body ends properly");
                assertArrayEquals(source.sha256(), digest.digest());
                assertArrayEquals(source.sha256(), fast.await().assertOk().sha256());
                assertEquals(200, sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
            }
        }
    }
}
