package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher the README starts the server with ({@code examples/pipe-server}): the JVM flags it chooses, C1 alone in
 * clear text and never with TLS (by flag or by environment), the user's {@code JAVA_OPTS} after its own.
 */
@Timeout(120)
class LauncherIT {

    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    @TempDir
    Path dir;

    @Test
    void clearTextRunsWithTheSmallSerialHeapAndC1AloneAndRelays() throws Exception {
        try (JarServer server = JarServer.launch(Map.of())) {
            List<String> command = server.commandLine();
            assertTrue(command.containsAll(List.of("-XX:+UseSerialGC", "-Xms16m", C1_ONLY)), command.toString());

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI pipe = URI.create(server.pipe("launched"));
            CompletableFuture<HttpResponse<byte[]>> received = client.sendAsync(HttpRequest.newBuilder(pipe).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = "through the launched server\n".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> sent = client.send(HttpRequest.newBuilder(pipe)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sent.statusCode(), sent.body());
            assertArrayEquals(bytes, received.get(60, TimeUnit.SECONDS).body());
        }
    }

    @Test
    void aTlsFlagKeepsTheFullCompilerForAesGcm() throws Exception {
        Path keystore = TestCertificates.keystore(dir, "localhost");
        try (JarServer server = JarServer.launch(Map.of("PIPE_TLS_PASSWORD", TestCertificates.PASSWORD),
                "--tls-keystore", keystore.toString())) {
            List<String> command = server.commandLine();
            assertFalse(command.contains(C1_ONLY), command.toString());
            assertTrue(command.contains("-XX:+UseSerialGC"), command.toString());
        }
    }

    @Test
    void tlsFromTheEnvironmentKeepsTheFullCompilerToo() throws Exception {
        Path keystore = TestCertificates.keystore(dir, "localhost");
        try (JarServer server = JarServer.launch(Map.of("PIPE_TLS_PASSWORD", TestCertificates.PASSWORD,
                "PIPE_TLS_KEYSTORE", keystore.toString()))) {
            List<String> command = server.commandLine();
            assertFalse(command.contains(C1_ONLY), command.toString());
        }
    }

    @Test
    void javaOptsComeAfterTheLaunchersFlagsSoThatTheyWin() throws Exception {
        try (JarServer server = JarServer.launch(Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=4 -Dpipe.launched=yes"))) {
            List<String> command = server.commandLine();
            int own = command.indexOf(C1_ONLY);
            int user = command.indexOf("-XX:TieredStopAtLevel=4");
            assertTrue(own >= 0 && user > own && command.contains("-Dpipe.launched=yes"), command.toString());
        }
    }

    /**
     * A JVM whose direct memory (capped through {@code JAVA_OPTS}) cannot hold a chunk: each transfer fails as the
     * server's, said to the sender, counted and logged as a warning with its own outcome, and the server goes on.
     */
    @Test
    void aTransferThatFindsNoDirectMemoryFailsAsTheServersAndTheServerGoesOn() throws Exception {
        try (JarServer server = JarServer.launch(Map.of("JAVA_OPTS", "-XX:MaxDirectMemorySize=2m"),
                "--chunk-size", "4m", "--warmup", "0")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int round = 1; round <= 2; round++) {
                URI pipe = URI.create(server.pipe("no-memory-" + round));
                // a plain socket: the JDK's client would send a GET cut off before its response again
                Socket receiver = new Socket(InetAddress.getLoopbackAddress(), server.port());
                receiver.getOutputStream().write(("GET " + pipe.getPath() + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                    try (receiver) {
                        return readUntilCutOff(receiver.getInputStream());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                HttpResponse<InputStream> sent = client.send(HttpRequest.newBuilder(pipe)
                        .PUT(HttpRequest.BodyPublishers.ofString("a line\n")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                String progress = readUntilCutOff(sent.body());
                assertTrue(progress.contains(
                        "[ERROR] The server has no memory left for this transfer: try again later."), progress);
                assertEquals("", received.get(30, TimeUnit.SECONDS), "the receiver's response is cut off");
            }
            Cluster.await(() -> server.metric("pipe_transfers_total{outcome=\"out-of-memory\"}") == 2,
                    "both transfers counted as out-of-memory");
            // a warning, at most one a minute (the standalone server's log is bounded; the metric counts them all)
            Cluster.await(() -> server.logText().lines().filter(line -> line.contains(" WARN ")
                    && line.contains(" out-of-memory: n=1, ")).count() == 1, "the first logged as a warning");
        }
    }

    /** What a cut-off response gave before its cut. */
    private static String readUntilCutOff(InputStream in) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.write(buffer, 0, read);
            }
        } catch (IOException cut) {
            // the server ends a failed sender's response without its end
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMissingJarIsOneLineAndStatusTwo() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "pipe-server").redirectErrorStream(true);
        builder.environment().put("PIPE_JAR", dir.resolve("absent.jar").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not exit");
        assertEquals(2, process.exitValue(), output);
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.startsWith("pipe-server: no pipe-server.jar"), output);
    }
}
