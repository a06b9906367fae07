package dev.pipe.jetty;

import static dev.pipe.servlet.HttpAsserts.assertTransferWorks;

import dev.pipe.servlet.RawHttp;
import dev.pipe.servlet.TestServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed and hostile requests over raw sockets, many at once, then a slow drip of headers: every
 * answer is a 4xx (or a normal answer to a request that was not so bad after all) with no stack trace in its body,
 * or a closed connection; nothing hangs; and a normal pipe works afterwards. Each client half-closes after its
 * request, so that one the server takes for a pipe's receiver is seen to leave rather than wait.
 */
class FuzzHttpTest {

    private static final int REQUESTS = 3000;
    private static final int THREADS = 8;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static final String P = TestServer.PREFIX;

    /** Makes one hostile request from a random source: raw bytes as a client would write them. */
    private static final List<Function<Random, String>> MAKERS = List.of(
            // request lines
            r -> garbage(r, 1 + r.nextInt(300)) + "\r\n\r\n",
            r -> pick(r, "GET", "get", "G ET", "GET\t", "", "\u00ff\u00fe") + " " + P + "/x" + r.nextInt(999)
                    + " HTTP/1.1\r\nHost: x\r\n\r\n",
            r -> "GET " + P + "/x HTTP/" + pick(r, "9.9", "1.2", "2.0", "0.9", "1", "", "1.1.1", "ABC") + "\r\nHost: x\r\n\r\n",
            r -> "GET " + pick(r, "", "*", "x", "//", "http://", "/\u0000", "/%", "\\") + " HTTP/1.1\r\nHost: x\r\n\r\n",
            r -> "GET " + P + "/" + "a".repeat(1000 + r.nextInt(20_000)) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            // percent-encoding
            r -> "GET " + P + "/" + pick(r, "%zz", "%", "%4", "%e0%80", "%ff", "%c0%af", "%00", "..%2f..%2f", "%2e%2e/x",
                    "a%2Fb", "%uD800", "x;y=%zz", "%25%") + r.nextInt(999) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            // headers: huge, repeated, malformed
            r -> "GET " + P + "/h" + r.nextInt(999) + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000
                    + r.nextInt(30_000)) + "\r\n\r\n",
            r -> "GET " + P + "/h" + r.nextInt(999) + " HTTP/1.1\r\nHost: x\r\n" + "X-Rep: 1\r\n".repeat(100
                    + r.nextInt(2000)) + "\r\n",
            r -> "GET " + P + "/h HTTP/1.1\r\n" + pick(r, "Host: a\r\nHost: b\r\n", "NoColon\r\n", ": empty\r\n",
                    " folded: x\r\n", "Bad Name: x\r\n", "Host: x\r\nX: \u0000\r\n", "Host: x\r\n\u0001: y\r\n")
                    + "\r\n",
            // n in every wrong form
            r -> "GET " + P + "/n" + r.nextInt(999) + "?n=" + pick(r, "", "-1", "0", "1e3", "0x10", "%31", "1&n=2",
                    "99999999999", "abc", "%20 1", "257", "1.0", "+1", "\u0661", "n") + " HTTP/1.1\r\nHost: x\r\n\r\n",
            // methods
            r -> pick(r, "DELETE", "PATCH", "TRACE", "CONNECT", "FOO", "PROPFIND", "HEAD", "OPTIONS") + " " + P
                    + "/m" + r.nextInt(999) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            // absurd Content-Length
            r -> "PUT " + P + "/cl" + r.nextInt(9999) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + pick(r, "-1",
                    "99999999999999999999", "12, 13", "1\r\nContent-Length: 2", "abc", " ", "0x10", "1e9")
                    + "\r\n\r\nhello",
            // Transfer-Encoding tricks
            r -> "PUT " + P + "/te" + r.nextInt(9999) + " HTTP/1.1\r\nHost: x\r\n" + pick(r,
                    "Transfer-Encoding: chunked, identity\r\n", "Transfer-Encoding: identity\r\n",
                    "Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                    "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", "Transfer-Encoding:\tchunked\r\n")
                    + "\r\n" + pick(r, "zz\r\nhello\r\n0\r\n\r\n", "5;ext=1\r\nhello\r\n0\r\n\r\n",
                    "ffffffffffffffff\r\nx", "5\r\nhel", "-1\r\n\r\n", "0\r\nX-Trailer: " + "t".repeat(9000) + "\r\n\r\n"),
            // HTTP/1.0 oddities and a body with no framing
            r -> "PUT " + P + "/old" + r.nextInt(9999) + " HTTP/1.0\r\n" + pick(r, "Transfer-Encoding: chunked\r\n",
                    "", "Content-Length: 5\r\n") + "\r\nhello");

    @Test
    void threeThousandHostileRequestsGetNo5xxNoStackTraceNoHang() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE,
                PipeConfig.defaults().withJoinTimeout(Duration.ofSeconds(30)))) {
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> work = new ArrayList<>();
            try {
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    work.add(threads.submit(() -> {
                        Random random = new Random(1000 + thread);
                        for (int i = thread; i < REQUESTS; i += THREADS) {
                            String request = MAKERS.get(random.nextInt(MAKERS.size())).apply(random);
                            int status = exchange(server, request, problems);
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> future : work) {
                    future.get(5, TimeUnit.MINUTES);
                }
            } finally {
                threads.shutdownNow();
            }
            System.out.println("fuzz: " + REQUESTS + " hostile requests; answers by status (0: closed without one): "
                    + new java.util.TreeMap<>(Map.copyOf(statuses)));
            List<String> seen = List.copyOf(problems);
            assertEquals(List.of(), seen.subList(0, Math.min(20, seen.size())), seen.size() + " answers break the"
                    + " rules; the first 20");
            assertEquals(REQUESTS, statuses.values().stream().mapToInt(AtomicInteger::get).sum());

            slowDrip(server);
            assertTrue(server.registry().awaitEmpty(TestServer.LONG_WAIT), "pipes left: " + server.registry());
            assertTransferWorks(server, "after-the-fuzz", 2);
        }
    }

    /** Writes {@code request}, half-closes, reads the answer; returns its status, or 0 for a close without one. */
    private static int exchange(TestServer server, String request, ConcurrentLinkedQueue<String> problems)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // the server may close on a bad start before the whole request is written: then read what it said
            }
            String answer;
            try {
                answer = readAll(socket.getInputStream());
            } catch (SocketTimeoutException hang) {
                problems.add("no answer and no close within " + ANSWER_WITHIN + " to: " + shorten(request));
                return -1;
            } catch (IOException reset) {
                return 0;
            }
            if (answer.isEmpty()) {
                return 0;
            }
            String[] statusLine = answer.split("\r\n", 2)[0].split(" ");
            int status = statusLine.length > 1 && statusLine[1].matches("[0-9]{3}") ? Integer.parseInt(statusLine[1])
                    : -2;
            if (status < 100 || status >= 500) {
                problems.add(status + " (" + answer.split("\r\n", 2)[0] + ") to: " + shorten(request));
            }
            if (answer.contains("Exception") || answer.contains("\tat ") || answer.contains("org.eclipse")
                    || answer.contains("<html")) {
                problems.add("a stack trace or an HTML page in the answer to: " + shorten(request) + "\n"
                        + shorten(answer));
            }
            return status;
        }
    }

    /** A few connections that send their headers a byte at a time, bounded in count and time. */
    private static void slowDrip(TestServer server) throws Exception {
        List<Socket> drips = new ArrayList<>();
        byte[] head = ("GET " + P + "/drip HTTP/1.1\r\nHost: x\r\nX-Slow: " + "s".repeat(40) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                drips.add(socket);
            }
            for (byte b : head) {
                for (Socket socket : drips) {
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                }
                // meanwhile, the server serves others at once
                if (b == '\n') {
                    assertTransferWorks(server, "beside-the-drip-" + drips.size() + "-" + System.nanoTime(), 1);
                }
            }
        } finally {
            for (Socket socket : drips) {
                socket.close();
            }
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static String garbage(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(256));
        }
        return text.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String shorten(String text) {
        String shown = text.replace("\r", "\\r").replace("\n", "\\n");
        return shown.length() > 160 ? shown.substring(0, 160) + "..." : shown;
    }
}
