package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server's {@code /metrics} and {@code /status} over real sockets: the counters move by exactly what
 * went through, the text passes Debian's {@code promtool}, the metrics role guards them, and no path shows.
 */
@Timeout(120)
class MetricsTest {

    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final String SECRET_PATH = "incidents/very-secret-path";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    /** Starts the standalone server with {@code args}; returns it and its base URL (no prefix). */
    static Started start(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] all = new String[args.length + 4];
        all[0] = "--port";
        all[1] = "0";
        all[2] = "--warmup"; // these tests are of the figures; the one of the warm-up asks for it
        all[3] = "0";
        System.arraycopy(args, 0, all, 4, args.length);
        Server server = Main.start(ServerOptions.parse(all, Map.of()), new PrintStream(out, true,
                StandardCharsets.UTF_8));
        Matcher matcher = Pattern.compile("pipe serving (http://127\\.0\\.0\\.1:\\d+)(\\S*)/ ")
                .matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
        return new Started(server, matcher.group(1), matcher.group(1) + matcher.group(2));
    }

    record Started(Server server, String base, String pipes) implements AutoCloseable {
        @Override
        public void close() {
            Main.stop(server, java.time.Duration.ZERO);
        }
    }

    @Test
    void theCountersMoveByExactlyTheBytesThatWentThroughAndPromtoolAcceptsTheText() throws Exception {
        try (Started s = start()) {
            String before = get(s.base() + "/metrics", null).body();
            byte[] payload = new byte[100_000];
            transfer(s, payload, 2, null);

            HttpResponse<String> metrics = get(s.base() + "/metrics", null);
            assertEquals(200, metrics.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    metrics.headers().firstValue("Content-Type").orElse(""));
            String after = metrics.body();
            assertEquals(100_000, value(after, "pipe_bytes_sent_bytes_total") - value(before, "pipe_bytes_sent_bytes_total"));
            assertEquals(200_000, value(after, "pipe_bytes_delivered_bytes_total")
                    - value(before, "pipe_bytes_delivered_bytes_total"));
            assertEquals(1, value(after, "pipe_transfers_total{outcome=\"completed\"}")
                    - value(before, "pipe_transfers_total{outcome=\"completed\"}"));
            assertTrue(after.contains("jvm_memory_used_bytes"), "the JVM's own meters are there too");
            assertFalse(after.contains("very-secret"), "no path, ever");
            assertTrue(after.contains("# HELP pipe_pipes "), "help text for Prometheus' tools");

            assertTrue(Files.isExecutable(PROMTOOL), "the metrics test needs Debian's prometheus package for promtool:"
                    + " apt-get install prometheus (.ci/run installs it)");
            Path text = Files.writeString(dir.resolve("metrics.txt"), after);
            Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true)
                    .redirectInput(text.toFile()).start();
            String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, promtool.exitValue(), said);
            assertEquals("", said.strip(), "promtool finds nothing to say");

            HttpResponse<String> status = get(s.base() + "/status", "application/json");
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("\"completed\":1"), status.body());
            assertTrue(status.body().contains("\"bytesDelivered\":200000"), status.body());
            HttpResponse<String> page = get(s.base() + "/status", null);
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'nonce-"));
        }
    }

    @Test
    void withATokenFileTheFiguresNeedTheMetricsRoleButThePageDoesNot() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "send-token send /\nops-token metrics /\n");
        try (Started s = start("--token-file", tokens.toString())) {
            HttpResponse<String> anonymous = get(s.base() + "/metrics", null);
            assertEquals(401, anonymous.statusCode());
            assertEquals("[ERROR] This server wants a token with the metrics role: send it as 'Authorization: Bearer"
                    + " TOKEN'.\n", anonymous.body());
            assertEquals("Bearer realm=\"pipe\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(403, send(HttpRequest.newBuilder(URI.create(s.base() + "/metrics"))
                    .header("Authorization", "Bearer send-token")).statusCode());
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(s.base() + "/metrics"))
                    .header("Authorization", "Bearer ops-token")).statusCode());
            assertEquals(401, get(s.base() + "/status", "application/json").statusCode());
            assertEquals(200, get(s.base() + "/status", null).statusCode(), "the page itself is served to anyone");
            assertEquals(403, send(HttpRequest.newBuilder(URI.create(s.pipes() + "/x"))
                    .header("Authorization", "Bearer ops-token")).statusCode(), "metrics is no pipe role");
        }
    }

    @Test
    void offTheyAreNotServedAndAtTheRootTheyAreReservedPaths() throws Exception {
        try (Started s = start("--metrics", "false")) {
            assertEquals(404, get(s.base() + "/metrics", null).statusCode());
            assertEquals(404, get(s.base() + "/status", null).statusCode());
        }
        try (Started s = start("--path-prefix", "/")) {
            HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(s.base() + "/metrics"))
                    .PUT(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(400, put.statusCode());
            assertEquals("[ERROR] Cannot send to the reserved path '/metrics'. (e.g. '/mypath123')\n", put.body());
            assertEquals(400, send(HttpRequest.newBuilder(URI.create(s.base() + "/status"))
                    .PUT(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
        }
    }

    /**
     * A receiver that waits in vain and gives up (curl's own time limit) is one INFO line with how it ended and how
     * long it waited, and nothing of its path; the transfers counter has it too.
     */
    @Test
    void aPipeItsPartyWaitedOnInVainIsOneInfoLine() throws Exception {
        ch.qos.logback.classic.Logger pipeLog = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger("dev.pipe.core.Pipe");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        pipeLog.addAppender(lines);
        try (Started s = start()) {
            CompletableFuture<dev.pipe.core.TransferSummary> ended = new CompletableFuture<>();
            s.server().getBean(dev.pipe.servlet.PipeServlet.class).registry().observe(new dev.pipe.core.PipeObserver() {
                @Override
                public void onEnd(dev.pipe.core.TransferSummary summary) {
                    ended.complete(summary); // the log line, an observer attached before this one, is written
                }
            });
            Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "1.5", s.pipes() + "/" + SECRET_PATH)
                    .redirectErrorStream(true).start();
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            assertEquals(28, curl.exitValue(), "curl gave up at its time limit");
            dev.pipe.core.TransferSummary summary = ended.get(30, TimeUnit.SECONDS);
            assertEquals("abandoned", summary.outcome().tag());
            ch.qos.logback.classic.spi.ILoggingEvent line = lines.list.stream()
                    .filter(event -> event.getFormattedMessage().contains(" abandoned: ")).findFirst().orElseThrow();
            assertEquals(ch.qos.logback.classic.Level.INFO, line.getLevel());
            assertTrue(line.getFormattedMessage().matches("pipe #[0-9a-f]{6} abandoned: n=1, waited 1[0-9]{3} ms"),
                    line.getFormattedMessage());
            assertEquals(1, value(get(s.base() + "/metrics", null).body(), "pipe_transfers_total{outcome=\"abandoned\"}"));
        } finally {
            pipeLog.detachAppender(lines);
        }
    }

    /**
     * The warm-up a server runs before it takes requests ({@code --warmup}, on by default) is one line of its own:
     * its transfers are neither in the server's figures nor in its transfer log, and the server's own first transfer
     * is counted as the first.
     */
    @Test
    void theWarmUpIsOneLineOfItsOwnAndNoneOfTheServersTransfers() throws Exception {
        ch.qos.logback.classic.Logger pipeLog = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger("dev.pipe.core.Pipe");
        ch.qos.logback.classic.Logger mainLog = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(Main.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> transfers =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lifecycle =
                new ch.qos.logback.core.read.ListAppender<>();
        transfers.start();
        lifecycle.start();
        pipeLog.addAppender(transfers);
        mainLog.addAppender(lifecycle);
        ch.qos.logback.classic.Level level = pipeLog.getLevel();
        try (Started s = start("--warmup", "64m")) {
            assertEquals(level, pipeLog.getLevel(), "the transfer log is as it was before the warm-up");
            java.util.List<String> warmedUp = lifecycle.list.stream().map(e -> e.getFormattedMessage())
                    .filter(line -> line.startsWith("warmed up")).toList();
            assertEquals(1, warmedUp.size(), lifecycle.list.toString());
            assertTrue(warmedUp.get(0).matches("warmed up \\(--warmup 64m\\) through a private loopback copy of the "
                    + "server in [0-9]+ ms; --warmup 0 skips it"), warmedUp.get(0));
            assertEquals(java.util.List.of(), transfers.list, "the warm-up's transfers are not in the transfer log");
            String before = get(s.base() + "/metrics", null).body();
            assertEquals(0, value(before, "pipe_transfers_total{outcome=\"completed\"}"));
            assertEquals(0, value(before, "pipe_bytes_sent_bytes_total"));

            CompletableFuture<dev.pipe.core.TransferSummary> ended = new CompletableFuture<>();
            s.server().getBean(dev.pipe.servlet.PipeServlet.class).registry().observe(new dev.pipe.core.PipeObserver() {
                @Override
                public void onEnd(dev.pipe.core.TransferSummary summary) {
                    ended.complete(summary); // the log line, an observer attached before this one, is written
                }
            });
            transfer(s, new byte[1000], 1, null);
            ended.get(30, TimeUnit.SECONDS);
            assertEquals(1, transfers.list.size(), "the server's own first transfer is logged: " + transfers.list);
            assertTrue(transfers.list.get(0).getFormattedMessage().contains(" completed: n=1, 1000 bytes sent"),
                    transfers.list.get(0).getFormattedMessage());
            String after = get(s.base() + "/metrics", null).body();
            assertEquals(1, value(after, "pipe_transfers_total{outcome=\"completed\"}"));
            assertEquals(1000, value(after, "pipe_bytes_sent_bytes_total"));
        } finally {
            pipeLog.detachAppender(transfers);
            mainLog.detachAppender(lifecycle);
        }
    }

    /** Sends {@code payload} to {@code n} receivers on a secret path and waits for all of them. */
    void transfer(Started s, byte[] payload, int n, String token) throws Exception {
        String url = s.pipes() + "/" + SECRET_PATH + "?n=" + n;
        CompletableFuture<?>[] receivers = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url));
            if (token != null) {
                get.header("Authorization", "Bearer " + token);
            }
            receivers[i] = client.sendAsync(get.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (token != null) {
            put.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> sent = send(put);
        assertEquals(200, sent.statusCode(), sent.body());
        CompletableFuture.allOf(receivers).get(60, TimeUnit.SECONDS);
    }

    /** The value of the sample {@code name} (with its labels, as written) in Prometheus' text; 0 when absent. */
    static double value(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    private HttpResponse<String> get(String url, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
