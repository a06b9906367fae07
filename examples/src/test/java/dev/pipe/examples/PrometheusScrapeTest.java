package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scrapes the standalone server with the scrape configuration docs/OPERATIONS.md shows (a
 * bearer token with the metrics role, from a file), and the delivered-bytes counter comes back through Prometheus'
 * own query API under the name Micrometer's Prometheus naming gives it.
 */
@Timeout(180)
class PrometheusScrapeTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void prometheusReadsTheDeliveredBytesBack(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(PROMETHEUS), "this test needs Debian's prometheus package: apt-get install"
                + " prometheus (.ci/run installs it)");
        Path tokens = Files.writeString(dir.resolve("tokens"), "team-token both /\nscrape-token metrics /\n");
        try (MetricsTest.Started server = MetricsTest.start("--token-file", tokens.toString())) {
            new MetricsTest().transfer(server, new byte[123_456], 3, "team-token");

            int port = freePort();
            Path credentials = Files.writeString(dir.resolve("scrape-token"), "scrape-token\n");
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: pipe
                        metrics_path: /metrics
                        authorization:
                          credentials_file: %s
                        static_configs:
                          - targets: ['%s']
                    """.formatted(credentials, URI.create(server.base()).getAuthority()));
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
                        + URLEncoder.encode("pipe_bytes_delivered_bytes_total{job=\"pipe\"}", StandardCharsets.UTF_8);
                long deadline = System.nanoTime() + WAIT.toNanos();
                String value = null;
                while (value == null || !value.equals("370368")) {
                    assertTrue(prometheus.isAlive(), () -> "prometheus stopped: " + log(dir));
                    assertTrue(System.nanoTime() < deadline, () -> "no sample within " + WAIT + "; " + log(dir));
                    value = sample(query);
                    if (value == null) {
                        TimeUnit.MILLISECONDS.sleep(250); // polling Prometheus' API: nothing to wait on but time
                    }
                }
                assertEquals("370368", value, "123456 bytes to each of 3 receivers");
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    /** The value of the query's first sample, or null while it has none (Prometheus starting, no scrape yet). */
    private String sample(String query) throws InterruptedException {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher matcher = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.e+]+)\"\\]").matcher(response.body());
            return response.statusCode() == 200 && matcher.find() ? matcher.group(1) : null;
        } catch (IOException notYet) {
            return null;
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
