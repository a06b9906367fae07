package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.servlet.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that asks to upgrade ({@code curl --http2}: {@code Upgrade: h2c}) gets its pipe over HTTP/2; with
 * HTTP/2 turned off, the same request is answered over HTTP/1.1.
 */
@Timeout(60)
class H2cUpgradeHttpTest {

    @Test
    void aReceiverThatAsksToUpgradeGetsItsPipeOverHttp2(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            assertEquals("2", receiveWhileSending(server, dir, "upgraded"));
        }
    }

    @Test
    void withHttp2OffTheSameRequestIsAnsweredOverHttp11(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.WITHOUT_HTTP2, PipeConfig.defaults())) {
            assertEquals("1.1", receiveWhileSending(server, dir, "plain"));
        }
    }

    /** A receiver with {@code curl --http2} and a sender over HTTP/1.1: the version the receiver spoke. */
    private static String receiveWhileSending(TestServer server, Path dir, String path) throws Exception {
        Path out = dir.resolve(path);
        Process receiver = new ProcessBuilder("curl", "-sS", "--http2", "-o", out.toString(), "-w", "%{http_version}",
                server.uri(path).toString()).redirectErrorStream(true).start();
        server.awaitReceivers(path, 1);
        Path body = Files.writeString(dir.resolve(path + ".txt"), "upgraded or not\n");
        Process sender = new ProcessBuilder("curl", "-sS", "--http1.1", "-T", body.toString(),
                server.uri(path).toString()).redirectErrorStream(true).start();
        assertTrue(receiver.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the receiver ends");
        assertTrue(sender.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the sender ends");
        assertEquals(0, receiver.exitValue());
        assertEquals("upgraded or not\n", Files.readString(out));
        return new String(receiver.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
