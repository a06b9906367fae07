package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What hostile clients can make the packaged server log is bounded and escaped: 10,000 malformed requests of every
 * kind a client can send (no pipe among them) grow its log by less than 100 kB, the log carries none of their long
 * or control text as sent, and the server still serves a transfer after them. Before the limiter, 10,000 requests
 * with two {@code Host} headers, the second 7,000 bytes long, grew the log by 70 MB.
 */
@Timeout(300)
class HostileLogJarIT {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Path JAR = Path.of("target", "pipe-server.jar");
    private static final int REQUESTS = 10_000;
    private static final String P = "/api/v1/pipe/";
    private static final String LONG = "b".repeat(7_000);

    /** The kinds, each a request head (and body) that the server refuses or that breaks off. */
    private static final List<IntFunction<String>> KINDS = List.of(
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nHost: " + LONG + i + "\r\n\r\n",
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nHost: \u00e2\u0080\u00ae" + LONG + "\r\n\r\n",
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nBad Name" + i + ": x\r\n\r\n",
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nX: \u001b[31m" + i + "\r\n\r\n",
            i -> "PUT " + P + "c HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            i -> "PUT " + P + "c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            i -> "GET " + P + "a".repeat(9_000) + i + " HTTP/1.1\r\nHost: a\r\n\r\n",
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nX: " + "h".repeat(9_000) + "\r\n\r\n",
            i -> "GET " + P + "a/../b" + i + " HTTP/1.1\r\nHost: a\r\n\r\n",
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer a\r\nAuthorization: Bearer " + i
                    + "\r\n\r\n",
            i -> "GET " + P + "x" + i + " HTTP/9.9\r\nHost: a\r\n\r\n",
            i -> "GET " + P + "%zz" + i + " HTTP/1.1\r\nHost: a\r\n\r\n",
            i -> "GET " + P + "x HTTP/1.1\r\nHost: a\r\nX-Half: " + i); // the client breaks off mid-head

    @Test
    void tenThousandMalformedRequestsGrowTheLogByLessThan100kB() throws Exception {
        Path log = Files.createTempFile("pipe-server", ".log");
        Process process = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "--port", "0").redirectError(log.toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            Matcher matcher = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(String.valueOf(out.readLine()));
            assertTrue(matcher.find());
            int port = Integer.parseInt(matcher.group(1));
            long before = Files.size(log);

            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int first = c;
                done.add(clients.submit(() -> {
                    for (int i = first; i < REQUESTS; i += 8) {
                        send(port, KINDS.get(i % KINDS.size()).apply(i), i % KINDS.size() == KINDS.size() - 1);
                    }
                    return null;
                }));
            }
            for (Future<?> client : done) {
                client.get(240, TimeUnit.SECONDS);
            }
            clients.shutdown();

            assertTransferWorks(port);
            long grew = Files.size(log) - before;
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(grew < 100_000, "the log grew by " + grew + " bytes:\n" + text.substring(0,
                    Math.min(text.length(), 5_000)));
            assertFalse(text.contains("b".repeat(1_000)), "a client's long text reached the log as sent");
            assertFalse(text.contains("\u001b") || text.contains("\u202e"), "a client's control text reached the log");
            assertFalse(text.contains("\tat "), "a stack trace for a client's fault:\n" + text);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }

    /** Sends one raw request and reads a little of the answer; {@code breakOff}: closes with a reset instead. */
    private static void send(int port, String request, boolean breakOff) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (breakOff) {
                socket.setSoLinger(true, 0);
                return;
            }
            InputStream in = socket.getInputStream();
            in.read(new byte[512]);
        } catch (IOException refusedOrReset) {
            // the server may close first: that is an answer too
        }
    }

    private static void assertTransferWorks(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI pipe = URI.create("http://127.0.0.1:" + port + P + "after-the-flood");
        CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(HttpRequest.newBuilder(pipe).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> sender = client.send(HttpRequest.newBuilder(pipe)
                .PUT(HttpRequest.BodyPublishers.ofString("still here\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sender.statusCode());
        assertEquals("still here\n", receiver.get(30, TimeUnit.SECONDS).body());
    }
}
