package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.servlet.StreamingReceiver;
import dev.pipe.servlet.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that asks to upgrade ({@code curl --http2}: {@code Upgrade: h2c}) gets its pipe over HTTP/2; with
 * HTTP/2 turned off, the same request is answered over HTTP/1.1. A sender whose streamed (chunked) body asks to
 * upgrade is answered over HTTP/1.1, and every byte of it arrives.
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

    /** {@code curl --http2 -T -}: a chunked body with {@code Upgrade: h2c}; upgraded, Jetty would lose the body. */
    @Test
    void aStreamedUploadThatAsksToUpgradeStaysOnHttp11AndLosesNothing(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            byte[] log = "07:23:01 db-3 disk full\n".repeat(40_000).getBytes(StandardCharsets.US_ASCII);
            Process receiver = new ProcessBuilder("curl", "-sS", "-o", dir.resolve("got").toString(),
                    server.uri("chunked").toString()).redirectErrorStream(true).start();
            server.awaitReceivers("chunked", 1);
            Process sender = new ProcessBuilder("curl", "-sS", "--http2", "-T", "-", "-o", "/dev/null", "-w",
                    "%{http_version}", server.uri("chunked").toString()).start();
            try (var stdin = sender.getOutputStream()) {
                stdin.write(log);
            }
            assertTrue(sender.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the sender ends");
            assertTrue(receiver.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the receiver ends");
            assertEquals("1.1", new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            assertEquals(0, receiver.exitValue());
            assertArrayEquals(log, Files.readAllBytes(dir.resolve("got")), "every byte of the chunked body");
        }
    }

    /**
     * The JDK's HttpClient, HTTP/2 by default, asks to upgrade its first request on a new connection; a streamed
     * {@code PUT} is chunked: it is answered over HTTP/1.1 and delivered whole.
     */
    @Test
    void theJdkClientsStreamedPutOnANewConnectionGoesThrough() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            byte[] log = "07:23:02 api-1 503 upstream\n".repeat(40_000).getBytes(StandardCharsets.US_ASCII);
            StreamingReceiver receiver = StreamingReceiver.start(server, "jdk", 1, true);
            server.awaitReceivers("jdk", 1);
            HttpResponse<String> sent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("jdk"))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(log))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals(HttpClient.Version.HTTP_1_1, sent.version());
            assertArrayEquals(log, receiver.await().assertOk().bytes());
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
