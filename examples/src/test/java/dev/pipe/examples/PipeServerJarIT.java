package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** A port already in use is one line and exit status 2, like every other bad option: no stack trace. */
    @Test
    void aPortInUseIsOneLineAndStatusTwo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process process = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "--port",
                    String.valueOf(taken.getLocalPort())).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server did not exit");
            assertEquals(2, process.exitValue(), output);
            assertEquals(List.of("pipe-server: 127.0.0.1:" + taken.getLocalPort() + " is in use (Address already in"
                    + " use): choose another --port, or stop what listens there"), output.lines().toList());
        }
    }

    /** A pipe's path works like a password: not even DEBUG logs show it, whatever happens on the pipe. */
    @Test
    void logsNeverShowAPipePath() throws Exception {
        String secret = "s3cret-" + Long.toHexString(System.nanoTime());
        Path log = Files.createTempFile("pipe-server", ".log");
        Process process = new ProcessBuilder(JAVA, "-Dpipe.log.level=debug", "-jar",
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
        assertTrue(logged.contains(" completed: n=1, 2 bytes sent, 2 delivered, waited ") && logged.contains("DEBUG"),
                "the transfer was logged:\n" + logged);
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

    /**
     * 10,000 receivers waiting on distinct paths hold no thread each, and a new pipe completes at once beside them.
     * The server runs in its own process (each side holds 10,000 sockets); its default of 1,000 waiting parties per
     * address is lifted, since every receiver here comes from 127.0.0.1.
     */
    @Test
    @Timeout(300)
    void tenThousandWaitingReceiversHoldNoThreadAndANewPipeCompletesAtOnce() throws Exception {
        int waiting = 10_000;
        try (JarServer server = JarServer.start("--max-waiting-per-client", "0")) {
            long threadsBefore = server.threads();
            List<SocketChannel> receivers = new ArrayList<>(waiting);
            try {
                for (int i = 0; i < waiting; i++) {
                    SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                    channel.write(ByteBuffer.wrap(("GET /api/v1/pipe/waiting-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1)));
                    receivers.add(channel);
                }
                // the last of them is in the server's registry: a sender completes its pipe
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> last = client.send(HttpRequest.newBuilder(URI.create(server.pipe("waiting-"
                        + (waiting - 1)))).PUT(HttpRequest.BodyPublishers.ofString("last\n")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, last.statusCode(), last.body());
                long threadsHeld = server.threads();

                long start = System.nanoTime();
                CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                        HttpRequest.newBuilder(URI.create(server.pipe("fresh"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> sender = client.send(HttpRequest.newBuilder(URI.create(server.pipe("fresh")))
                        .PUT(HttpRequest.BodyPublishers.ofString("fresh\n")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("fresh\n", receiver.get(30, TimeUnit.SECONDS).body());
                double millis = (System.nanoTime() - start) / 1e6;
                assertEquals(200, sender.statusCode());

                int connected = 0;
                ByteBuffer probe = ByteBuffer.allocate(1);
                for (SocketChannel channel : receivers.subList(0, waiting - 1)) {
                    channel.configureBlocking(false);
                    if (channel.read(probe.clear()) == 0) {
                        connected++;
                    }
                }
                System.out.printf("waiting: %d receivers held; server threads %d before, %d while they wait; a new"
                        + " pipe completed in %.1f ms%n", waiting, threadsBefore, threadsHeld, millis);
                assertEquals(waiting - 1, connected, "every other receiver still waits");
                // the pool may grow to its bound (PipeServers.maxThreads()) as the connections arrive, never per
                // connection
                assertTrue(threadsHeld <= threadsBefore + dev.pipe.jetty.PipeServers.maxThreads(),
                        "threads: " + threadsBefore + " -> " + threadsHeld);
                assertTrue(millis < 5_000, "a new pipe beside 10,000 waiting ones took " + millis + " ms");
            } finally {
                for (SocketChannel channel : receivers) {
                    channel.close();
                }
            }
        }
    }

    /** SIGTERM: new pipes get 503, a streaming pipe finishes within the grace period, then the server exits. */
    @Test
    void sigtermLetsAStreamingPipeFinishAndRefusesNewOnes() throws Exception {
        try (JarServer server = JarServer.start("--grace", "30s")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(server.pipe("streaming"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            try (Socket sender = new Socket("127.0.0.1", server.port())) {
                OutputStream out = sender.getOutputStream();
                out.write(("PUT /api/v1/pipe/streaming HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "6\r\nfirst\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                BufferedReader progress = new BufferedReader(new InputStreamReader(sender.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                for (String line = progress.readLine(); line != null && !line.contains("Start sending");
                        line = progress.readLine()) {
                    // until the pipe streams
                }

                server.process().destroy(); // SIGTERM
                HttpResponse<String> refused = null;
                for (int i = 0; i < 100 && (refused == null || refused.statusCode() != 503); i++) {
                    // the hook starts at once, but on its own thread: ask until it refuses
                    refused = client.send(HttpRequest.newBuilder(URI.create(server.pipe("new-" + i)))
                            .timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                }
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("[ERROR] The server is shutting down.\n", refused.body());
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, health.statusCode(), "a balancer's check sends no new pipe to a stopping server");
                assertEquals("stopping\n", health.body());

                out.write("5\r\nlast\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertEquals("first\nlast\n", receiver.get(30, TimeUnit.SECONDS).body());
            }
            assertTrue(server.process().waitFor(30, TimeUnit.SECONDS), "the server exits after the grace period");
            String log = server.logText();
            assertTrue(log.contains("stopping: new pipes are refused") && log.contains("stopped"), log);
        }
    }

    /** With --token-file, curl without a token gets 401, with one the transfer works, and the start line says so. */
    @Test
    void aTokenFileGatesThePipesForCurl() throws Exception {
        Path tokens = Files.createTempFile("tokens", ".txt");
        Files.writeString(tokens, "# the replay\nsre-7f3a send replay\nteam-91c2 receive replay\n");
        try (JarServer server = JarServer.start("--token-file", tokens.toString())) {
            Process anonymous = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                    server.pipe("replay")).start();
            assertEquals("401", new String(anonymous.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            Process receiver = new ProcessBuilder("curl", "-sS", "-H", "Authorization: Bearer team-91c2",
                    server.pipe("replay")).start();
            Process sender = new ProcessBuilder("curl", "-sS", "-T", "-", "-H", "Authorization: Bearer sre-7f3a",
                    server.pipe("replay")).start();
            sender.getOutputStream().write("the cascade\n".getBytes(StandardCharsets.UTF_8));
            sender.getOutputStream().close();
            assertEquals("the cascade\n", new String(receiver.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(sender.waitFor(30, TimeUnit.SECONDS) && sender.exitValue() == 0);
            String log = server.logText();
            assertTrue(log.contains("access: bearer tokens, 2 rules"), log);
            assertTrue(!log.contains("sre-7f3a") && !log.contains("team-91c2"), "a token leaked into the log");
        } finally {
            Files.deleteIfExists(tokens);
        }
    }

    @Test
    void withoutATokenFileTheStartLineSaysTheServerIsOpen() throws Exception {
        try (JarServer server = JarServer.start()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(server.logText().contains("access: open to anyone who can reach it (no --token-file)"),
                    server.logText());
        }
    }
}
