package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tomcat cuts a pending non-blocking read after its connector's {@code connectionTimeout}: with Tomcat's own setting a
 * paused sender loses its pipe, which is why the README raises it for pipes (to the pipe's idle timeout). Shown with
 * a timeout of 2 s and a pause of 4 s, so that it takes seconds rather than Tomcat's 20 or 60; PauseHttpTest then shows
 * the README's setting carrying a 35 s pause.
 */
@Timeout(60)
class TomcatTimeoutHttpTest {

    private static final int SHORT_TIMEOUT_MS = 2_000;
    private static final Duration PAUSE = Duration.ofSeconds(4);

    static Stream<Containers> tomcat() {
        return Containers.underTest().stream().filter(container -> container == Containers.TOMCAT);
    }

    @ParameterizedTest
    @MethodSource("tomcat")
    void withTomcatsOwnConnectionTimeoutAPausedSenderLosesItsPipe(Containers tomcat) throws Exception {
        TestContainer shortTimeout = new Tomcat(SHORT_TIMEOUT_MS);
        try (TestServer server = TestServer.start(shortTimeout, PipeConfig.defaults())) {
            assertEquals(PipeState.FAILED, pauseMidStream(server, "cut"), "the sender was cut by Tomcat");
        }
    }

    @ParameterizedTest
    @MethodSource("tomcat")
    void withTheReadmesConnectionTimeoutAPausedSenderKeepsItsPipe(Containers tomcat) throws Exception {
        try (TestServer server = TestServer.start(tomcat, PipeConfig.defaults())) {
            assertEquals(PipeState.COMPLETED, pauseMidStream(server, "kept"));
        }
    }

    /** A sender that sends a line, falls silent for {@link #PAUSE}, then sends another: how its pipe ended. */
    private static PipeState pauseMidStream(TestServer server, String path) throws Exception {
        StreamingReceiver receiver = StreamingReceiver.start(server, path, 1, true);
        server.awaitReceivers(path, 1);
        byte[] before = "07:23:14 WARN first\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] after = "07:23:19 ERR  second\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (RawHttp sender = RawHttp.putChunked(server, path + "?n=1")) {
            sender.chunk(before);
            receiver.awaitCount(before.length);
            // The pause under test: a clock-paced silence of the sender, not a wait for an event.
            long resume = System.nanoTime() + PAUSE.toNanos();
            for (long left = PAUSE.toNanos(); left > 0; left = resume - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            try {
                sender.chunk(after);
                sender.lastChunk();
            } catch (java.io.IOException cut) {
                // Tomcat closed the connection: the end below says so
            }
            server.awaitGone(path);
            PipeState end = server.lastEnd(path);
            if (end == PipeState.COMPLETED) {
                byte[] both = new byte[before.length + after.length];
                System.arraycopy(before, 0, both, 0, before.length);
                System.arraycopy(after, 0, both, before.length, after.length);
                assertArrayEquals(both, receiver.await().assertOk().bytes());
            }
            return end;
        }
    }

    /** Tomcat with a given connection timeout, otherwise as {@link Containers#TOMCAT}. */
    private record Tomcat(int connectionTimeoutMs) implements TestContainer {
        @Override
        public Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception {
            return TomcatServers.start(prefix, servlet, connectionTimeoutMs, connectionTimeoutMs);
        }

        @Override
        public boolean noticesAWaitingPartyLeaving() {
            return Containers.TOMCAT.noticesAWaitingPartyLeaving();
        }

        @Override
        public boolean noticesAStreamingReceiverLeavingAtOnce() {
            return Containers.TOMCAT.noticesAStreamingReceiverLeavingAtOnce();
        }

        @Override
        public boolean endsPipeConnections() {
            return Containers.TOMCAT.endsPipeConnections();
        }

        @Override
        public int headersTooLarge() {
            return Containers.TOMCAT.headersTooLarge();
        }

        @Override
        public int requestLineTooLong() {
            return Containers.TOMCAT.requestLineTooLong();
        }

        @Override
        public Duration idleTimeout() {
            return Duration.ofMillis(connectionTimeoutMs);
        }
    }
}
