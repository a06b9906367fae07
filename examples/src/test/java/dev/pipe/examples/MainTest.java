package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.SlowReceiverPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The standalone server: its flags, its pages, and a transfer through it, over real sockets. */
@Timeout(60)
class MainTest {

    private static final Pattern SERVING = Pattern.compile("pipe serving (http://127\\.0\\.0\\.1:(\\d+)/api/v1/pipe)/");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void helpListsEveryFlagWithItsVariable() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        String help = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status);
        for (String flag : new String[] {"--host", "--port", "--path-prefix", "--join-timeout", "--idle-timeout",
                "--max-receivers", "--slow-receiver", "--chunk-size", "PIPE_CHUNK_SIZE", "--window", "PIPE_WINDOW", "PIPE_HOST", "PIPE_PORT", "PIPE_PATH_PREFIX", "PIPE_JOIN_TIMEOUT",
                "PIPE_IDLE_TIMEOUT", "PIPE_MAX_RECEIVERS", "PIPE_SLOW_RECEIVER", "--max-pipes", "PIPE_MAX_PIPES",
                "--max-waiting-per-client", "PIPE_MAX_WAITING_PER_CLIENT", "--token-file", "PIPE_TOKEN_FILE",
                "--grace", "PIPE_GRACE", "--trust-forwarded", "PIPE_TRUST_FORWARDED", "--http2", "PIPE_HTTP2",
                "--tls-cert", "PIPE_TLS_CERT", "--tls-key", "PIPE_TLS_KEY", "--tls-keystore", "PIPE_TLS_KEYSTORE",
                "PIPE_TLS_PASSWORD", "--metrics", "PIPE_METRICS", "--warmup", "PIPE_WARMUP", "--version"}) {
            assertTrue(help.contains(flag), () -> flag + " missing from --help:\n" + help);
        }
    }

    @Test
    void versionPrintsTheServersVersion() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"--version"}, Map.of(), new PrintStream(out, true,
                StandardCharsets.UTF_8), System.err));
        assertEquals("pipe-server " + Main.version() + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMisspelledVariableIsWarnedAboutNotIgnoredInSilence() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[0], Map.of("PIPE_PROT", "9090", "PIPE_PORT", "0",
                "PIPE_TLS_PASSWORD", "x", "PATH", "/usr/bin"));
        assertEquals(java.util.List.of("the environment variable PIPE_PROT is not one of this server's and is ignored"
                + " (see --help)"), options.warnings());
    }

    @Test
    void badFlagsAreOneLineUsageErrors() throws Exception {
        for (String[] args : new String[][] {{"--port", "x"}, {"--port", "70000"}, {"--join-timeout", "5 minutes"},
                {"--max-receivers", "257"}, {"--slow-receiver", "drop"}, {"--chunk-size", "1k"}, {"--chunk-size", "lots"}, {"--window", "3"}, {"--path-prefix", "api"}, {"--nope"},
                {"--max-pipes", "0"}, {"--max-waiting-per-client", "-1"}, {"--token-file", "no/such/file"},
                {"--grace", "soon"}, {"--trust-forwarded", "yes"}, {"--http2", "on"}, {"--tls-cert", "no/such.pem"},
                {"--tls-keystore", "no/such.p12"}, {"--metrics", "maybe"},
                {"--port"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(args, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, String.join(" ", args));
            assertTrue(message.startsWith("pipe-server: ") && message.endsWith("(see --help)" + System.lineSeparator()),
                    message);
            assertEquals(1, message.lines().count(), message);
        }
    }

    @Test
    void aTokenFileThatIsNotRulesStopsTheStartWithItsLineButNotItsToken(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path tokens = dir.resolve("tokens");
        java.nio.file.Files.writeString(tokens, "good-secret send /\nbad-secret write /\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--port", "0", "--token-file", tokens.toString()}, Map.of(), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertEquals("pipe-server: --token-file: line 2: the second field (ROLE) must be send, receive, both or metrics"
                + System.lineSeparator(), message);
    }

    @Test
    void defaultsFlagsAndEnvironment() throws Exception {
        ServerOptions defaults = ServerOptions.parse(new String[0], Map.of());
        assertEquals("127.0.0.1", defaults.host());
        assertEquals(8080, defaults.port());
        assertEquals("/api/v1/pipe", defaults.pathPrefix());
        assertEquals(Duration.ofMinutes(5), defaults.config().joinTimeout());
        assertEquals(Duration.ofHours(1), defaults.config().idleTimeout());
        assertEquals(256, defaults.config().maxReceivers());
        assertEquals(SlowReceiverPolicy.block(), defaults.config().slowReceiver());
        assertEquals(1024 * 1024, defaults.config().chunkSize());
        assertEquals(1, defaults.config().window());
        assertEquals(20_000, defaults.config().maxPipes());
        assertEquals(1000, defaults.config().maxWaitingPerClient());
        assertEquals(null, defaults.tokenFile(), "open unless a token file is given");
        assertEquals(Duration.ofSeconds(30), defaults.grace());
        assertEquals(false, defaults.trustForwarded());
        ServerOptions limits = ServerOptions.parse(new String[] {"--max-pipes", "50", "--max-waiting-per-client", "0",
                "--grace", "2m", "--trust-forwarded", "true"}, Map.of());
        assertEquals(50, limits.config().maxPipes());
        assertEquals(0, limits.config().maxWaitingPerClient(), "0: no limit");
        assertEquals(Duration.ofMinutes(2), limits.grace());
        assertEquals(true, limits.trustForwarded());
        assertEquals(2, ServerOptions.parse(new String[] {"--window", "2"}, Map.of()).config().window());
        assertEquals(1024 * 1024, ServerOptions.parse(new String[] {"--chunk-size", "1m"}, Map.of()).config().chunkSize());
        assertEquals(64 * 1024 * 1024, defaults.warmup(), "the first transfer runs warm unless told otherwise");
        assertEquals(0, ServerOptions.parse(new String[] {"--warmup", "0"}, Map.of()).warmup(), "0: start at once");
        assertEquals(1 << 30, ServerOptions.parse(new String[0], Map.of("PIPE_WARMUP", "1g")).warmup());
        assertEquals("--warmup must be a size from 0 to 1g (65536, 64k, 1m), not '2g'", assertThrows(
                ServerOptions.UsageException.class, () -> ServerOptions.parse(new String[] {"--warmup", "2g"},
                        Map.of())).getMessage());
        assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse(
                new String[] {"--warmup", "17179869184g"}, Map.of()), "a size too large for a long is too large");
        assertEquals("64m", ServerOptions.sizeText(64 * 1024 * 1024));
        assertEquals("1g", ServerOptions.sizeText(1 << 30));
        assertEquals("4k", ServerOptions.sizeText(4096));
        assertEquals("1000", ServerOptions.sizeText(1000));
        assertEquals("0", ServerOptions.sizeText(0));
        assertEquals("--chunk-size must be a size from 4k to 16m (65536, 64k, 1m), not '1k'", assertThrows(
                ServerOptions.UsageException.class, () -> ServerOptions.parse(new String[] {"--chunk-size", "1k"},
                        Map.of())).getMessage());

        ServerOptions set = ServerOptions.parse(new String[] {"--port=9000", "--join-timeout", "45s",
                "--slow-receiver", "drop-after=30s", "--path-prefix", "/"},
                Map.of("PIPE_PORT", "7000", "PIPE_IDLE_TIMEOUT", "2h", "PIPE_MAX_RECEIVERS", "8", "PIPE_HOST", "0.0.0.0"));
        assertEquals(9000, set.port(), "a flag wins over its variable");
        assertEquals("0.0.0.0", set.host());
        assertEquals(Duration.ofSeconds(45), set.config().joinTimeout());
        assertEquals(Duration.ofHours(2), set.config().idleTimeout());
        assertEquals(8, set.config().maxReceivers());
        assertEquals(SlowReceiverPolicy.dropAfter(Duration.ofSeconds(30)), set.config().slowReceiver());
        assertEquals("", set.pathPrefix());
        assertThrows(ServerOptions.UsageException.class,
                () -> ServerOptions.parse(new String[0], Map.of("PIPE_PORT", "eighty")));
    }

    @Test
    void portZeroPrintsTheChosenPortAndServesPagesAndPipes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Server server = Main.start(ServerOptions.parse(new String[] {"--port", "0"}, Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String line = out.toString(StandardCharsets.UTF_8);
            Matcher matcher = SERVING.matcher(line);
            assertTrue(matcher.find(), line);
            int port = Integer.parseInt(matcher.group(2));
            assertTrue(port > 0, line);
            assertEquals(1, line.lines().count(), "one line: " + line);
            String base = "http://127.0.0.1:" + port;

            HttpResponse<String> health = get(base + "/healthz");
            assertEquals(200, health.statusCode());
            assertEquals("ok\n", health.body());
            HttpResponse<String> version = get(base + "/version");
            assertEquals(200, version.statusCode());
            assertEquals(Main.version() + "\n", version.body());
            HttpResponse<String> help = get(base + "/help");
            assertEquals(200, help.statusCode());
            assertTrue(help.body().contains("curl -T myfile " + base + "/api/v1/pipe/mypath"), help.body());
            assertTrue(help.body().contains("curl \"" + base + "/api/v1/pipe/replay?n=8\""), help.body());
            assertTrue(help.body().contains("curl --http2-prior-knowledge " + base + "/api/v1/pipe/mypath"),
                    "HTTP/2, on by default: " + help.body());
            HttpResponse<String> index = get(base + "/");
            assertEquals(200, index.statusCode());
            assertTrue(index.body().contains(base + "/api/v1/pipe/replay?n=8"), index.body());
            assertEquals(204, get(base + "/favicon.ico").statusCode());
            assertEquals(404, get(base + "/robots.txt").statusCode());

            CompletableFuture<HttpResponse<byte[]>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(matcher.group(1) + "/team/a/replay")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = "07:23:16 ERR  500 stripe timeout\n".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(URI.create(matcher.group(1) + "/team/a/replay"))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sender.statusCode());
            assertArrayEquals(body, receiver.get(30, TimeUnit.SECONDS).body());
        } finally {
            server.stop();
        }
    }

    /**
     * The warm-up goes through whatever limits the server is given: it moves its bytes on a private copy of the
     * server, to two receivers, even when the server allows one.
     */
    @Test
    void theWarmUpGoesThroughWhateverTheServersLimits() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(Main.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        Server server = null;
        try {
            server = Main.start(ServerOptions.parse(new String[] {"--port", "0", "--max-receivers", "1",
                    "--max-waiting-per-client", "1", "--warmup", "1m"}, Map.of()), new PrintStream(
                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            java.util.List<String> said = lines.list.stream().map(e -> e.getFormattedMessage())
                    .filter(line -> line.startsWith("warm")).toList();
            assertEquals(1, said.size(), said.toString());
            assertTrue(said.get(0).startsWith("warmed up (--warmup 1m) "), said.get(0));
        } finally {
            log.detachAppender(lines);
            if (server != null) {
                server.stop();
            }
        }
    }

    @Test
    void atTheRootThePagesAreReservedPaths() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Server server = Main.start(ServerOptions.parse(new String[] {"--port", "0", "--path-prefix", "/"}, Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Matcher matcher = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/ ").matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
            String base = "http://127.0.0.1:" + matcher.group(1);
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(base + "/help"))
                    .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode());
            assertEquals("[ERROR] Cannot send to the reserved path '/help'. (e.g. '/mypath123')\n", refused.body());
            assertEquals("text/plain", refused.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(200, get(base + "/healthz").statusCode());

            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/mypath")).build(), HttpResponse.BodyHandlers.ofString());
            client.send(HttpRequest.newBuilder(URI.create(base + "/mypath")).PUT(HttpRequest.BodyPublishers.ofString("hi\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hi\n", receiver.get(30, TimeUnit.SECONDS).body());
        } finally {
            server.stop();
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
