package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged jar, run as {@code java -jar examples/target/pipe-server.jar} is run by a user. */
@Timeout(120)
class PipeServerJarIT {

    private static final Path JAR = Path.of("target", "pipe-server.jar");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void helpPrintsTheFlagsAndExitsZero() throws Exception {
        Process process = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "--help").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "--help did not exit");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("--slow-receiver") && output.contains("PIPE_PORT"), output);
    }

    /** A pipe's path works like a password: not even DEBUG logs show it, whatever happens on the pipe. */
    @Test
    void logsNeverShowAPipePath() throws Exception {
        String secret = "s3cret-" + Long.toHexString(System.nanoTime());
        Path log = Files.createTempFile("pipe-server", ".log");
        Process process = new ProcessBuilder(JAVA, "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-jar",
                JAR.toString(), "--port", "0").redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Matcher matcher = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(String.valueOf(out.readLine()));
            assertTrue(matcher.find());
            String pipe = "http://127.0.0.1:" + matcher.group(1) + "/api/v1/pipe/" + secret;
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // a refusal and a transfer on the secret path (a refusal that cannot race the receiver's arrival)
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(pipe + "?n=0")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode());
            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(pipe)).build(), HttpResponse.BodyHandlers.ofString());
            client.send(HttpRequest.newBuilder(URI.create(pipe)).PUT(HttpRequest.BodyPublishers.ofString("x\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("x\n", receiver.get(30, TimeUnit.SECONDS).body());
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(logged.contains("COMPLETED") && logged.contains("DEBUG"), "the transfer was logged:\n" + logged);
        assertTrue(!logged.contains(secret), "the pipe's path leaked into the logs:\n" + logged);
    }

    @Test
    void portZeroPrintsThePortAndServes() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run mvn package first: " + JAR.toAbsolutePath());
        Process process = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher matcher = Pattern.compile("pipe serving http://127\\.0\\.0\\.1:(\\d+)/api/v1/pipe/").matcher(
                    String.valueOf(line));
            assertTrue(matcher.find(), "first line: " + line);
            String base = "http://127.0.0.1:" + matcher.group(1);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("ok\n", health.body());
            HttpResponse<String> version = client.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, version.statusCode());
            assertTrue(version.body().matches("\\d+\\.\\d+\\.\\d+.*\n"), version.body());
            HttpResponse<String> help = client.send(HttpRequest.newBuilder(URI.create(base + "/help")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(help.body().contains("curl -T myfile " + base + "/api/v1/pipe/mypath"), help.body());

            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/pipe/jar")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pipe/jar"))
                    .PUT(HttpRequest.BodyPublishers.ofString("from the jar\n")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(sender.body().contains("[INFO] Start sending to 1 receiver(s)!"), sender.body());
            assertEquals("from the jar\n", receiver.get(30, TimeUnit.SECONDS).body());
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
