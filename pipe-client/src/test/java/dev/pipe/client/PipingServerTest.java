package dev.pipe.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against the real piping-server 1.12.9, installed by the test from the npm registry (node and npm are
 * needed: .ci/run installs them): everything but this project's own extensions works against it.
 */
@Timeout(180)
class PipingServerTest {

    private static final Path INSTALL = Path.of("target/piping-server");
    private static Process server;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        Path bin = INSTALL.resolve("node_modules/.bin/piping-server");
        if (!Files.exists(bin)) {
            Files.createDirectories(INSTALL);
            Process npm = new ProcessBuilder("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                    INSTALL.toString(), "piping-server@1.12.9").redirectErrorStream(true).start();
            String said = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(npm.waitFor(150, TimeUnit.SECONDS) && npm.exitValue() == 0, "npm install failed: " + said);
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = new ProcessBuilder("node", bin.toString(), "--http-port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(INSTALL.resolve("server.log").toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                assertTrue(server.isAlive() && System.nanoTime() < deadline, "piping-server did not start");
                TimeUnit.MILLISECONDS.sleep(100); // a child process starting: nothing to wait on but its port
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFileReachesTwoReceiversAndTheSenderHearsPipingServersLines() throws Exception {
        PipeClient client = PipeClient.builder(base).build();
        byte[] bytes = "07:23:14 WARN lag\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        List<SendEvent> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<SendResult> sent = client.sendAsync("compat/file", 2,
                Upload.of(new java.io.ByteArrayInputStream(bytes)).contentType("text/plain").fileName("cascade.log"),
                events::add);
        List<CompletableFuture<byte[]>> receivers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            receivers.add(CompletableFuture.supplyAsync(() -> {
                try (Received received = client.receive("compat/file", 2)) {
                    assertEquals("cascade.log", received.fileName().orElseThrow());
                    return received.body().readAllBytes();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (CompletableFuture<byte[]> receiver : receivers) {
            assertArrayEquals(bytes, receiver.get(60, TimeUnit.SECONDS));
        }
        SendResult result = sent.get(60, TimeUnit.SECONDS);
        assertEquals(bytes.length, result.bytesSent());
        assertNull(result.summary(), "piping-server writes no summary line");
        assertTrue(events.stream().anyMatch(e -> e instanceof SendEvent.Waiting w && w.receivers() == 2), events::toString);
        assertTrue(events.stream().anyMatch(e -> e instanceof SendEvent.Started s && s.receivers() == 2), events::toString);
        assertTrue(events.stream().anyMatch(e -> e instanceof SendEvent.AllReceived), events::toString);
    }

    @Test
    void aRefusalCarriesPipingServersStatusAndLine() throws Exception {
        PipeClient client = PipeClient.builder(base).build();
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        client.sendAsync("compat/mismatch", 2, Upload.of(InputStream.nullInputStream()), e -> {
            if (e instanceof SendEvent.Waiting) {
                waiting.complete(null);
            }
        });
        waiting.get(30, TimeUnit.SECONDS);
        PipeClientException refused = assertThrows(PipeClientException.class, () -> client.receive("compat/mismatch", 3));
        assertEquals(400, refused.status());
        assertTrue(refused.serverMessage().contains("receivers"), refused.serverMessage());
    }
}
