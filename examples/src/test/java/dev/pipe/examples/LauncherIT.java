package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
