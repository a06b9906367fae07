package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertError;
import static dev.pipe.servlet.HttpAsserts.assertTransferWorks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.PipeConfig;
import dev.pipe.core.access.TokenFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits, the access policy and the graceful stop, over real sockets: what a refused client sees (one line,
 * the right status, a challenge or a Retry-After), and that nobody else notices.
 */
@ParameterizedClass
@MethodSource("dev.pipe.servlet.Containers#underTest")
class LimitsHttpTest {

    @Parameter
    Containers container;

    @TempDir
    Path dir;

    private static HttpResponse<String> get(TestServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return server.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(TestServer server, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return server.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------- limits

    @Test
    void pastMaxPipesANewPipeGets503AndTheWaitingOnesStillComplete() throws Exception {
        try (TestServer server = TestServer.start(container, PipeConfig.defaults().withMaxPipes(2))) {
            StreamingReceiver a = StreamingReceiver.start(server, "a", 1, true);
            StreamingReceiver b = StreamingReceiver.start(server, "b", 1, true);
            server.awaitReceivers("a", 1);
            server.awaitReceivers("b", 1);

            HttpResponse<String> refused = get(server, "c");
            assertError(refused, 503, "The server holds as many pipes as it may (2): try again later.");
            assertEquals(List.of("10"), refused.headers().allValues("Retry-After"));
            assertEquals(503, put(server, "c", "x").statusCode());
            assertNull(server.registry().state(server.key("c")));

            assertEquals(200, put(server, "a", "to a\n").statusCode());
            assertEquals(200, put(server, "b", "to b\n").statusCode());
            assertArrayEquals("to a\n".getBytes(StandardCharsets.UTF_8), a.await().assertOk().bytes());
            assertArrayEquals("to b\n".getBytes(StandardCharsets.UTF_8), b.await().assertOk().bytes());
            server.awaitGone("a");
            server.awaitGone("b");
            assertTransferWorks(server, "c", 1);
        }
    }

    @Test
    void pastMaxWaitingPerClientTheClientGets429() throws Exception {
        try (TestServer server = TestServer.start(container, PipeConfig.defaults().withMaxWaitingPerClient(2))) {
            StreamingReceiver a = StreamingReceiver.start(server, "a", 1, true);
            StreamingReceiver b = StreamingReceiver.start(server, "b", 1, true);
            server.awaitReceivers("a", 1);
            server.awaitReceivers("b", 1);

            HttpResponse<String> refused = get(server, "c");
            assertError(refused, 429, "Too many waiting pipes from your address (at most 2): complete or cancel some"
                    + " first.");
            assertEquals(List.of("10"), refused.headers().allValues("Retry-After"));
            assertEquals(2, server.registry().waiting("127.0.0.1"));

            // completing one gives room again: the sender joins a pipe that it establishes at once
            assertEquals(200, put(server, "a", "done\n").statusCode());
            a.await().assertOk();
            server.awaitGone("a");
            assertEquals(1, server.registry().waiting("127.0.0.1"));
            assertTransferWorks(server, "c", 1);
            assertEquals(200, put(server, "b", "done\n").statusCode());
            b.await().assertOk();
        }
    }

    /** The most bytes of a request line and headers: Jetty's and Tomcat's default, and the standalone server's. */
    private static final int CONTAINER_HEADER_LIMIT = 8 * 1024;

    @Test
    void headerAndPathLimitsAnswerWithTheirOwn4xx() throws Exception {
        try (TestServer server = TestServer.start(container)) {
            try (RawHttp huge = RawHttp.connect(server)) {
                huge.request("GET", TestServer.PREFIX + "/x", "X-Big: " + "a".repeat(CONTAINER_HEADER_LIMIT));
                assertEquals(container.headersTooLarge(), huge.head().status());
            }
            try (RawHttp longLine = RawHttp.connect(server)) {
                longLine.request("GET", TestServer.PREFIX + "/" + "p".repeat(CONTAINER_HEADER_LIMIT));
                assertEquals(container.requestLineTooLong(), longLine.head().status());
            }
            // a path within Jetty's limit but past the pipe's (1024 bytes)
            HttpResponse<String> longPath = get(server, "p".repeat(1025));
            assertEquals(414, longPath.statusCode());
            assertTrue(longPath.body().startsWith("[ERROR] "), longPath.body());
            assertFalse(longPath.body().strip().contains("\n"), "one line: " + longPath.body());
            assertEquals(0, server.registry().size());
            assertTransferWorks(server, "after-limits", 1);
        }
    }

    /**
     * A form's sender holds a place from its first byte, as a pipe would, and for at most the join window: one that
     * never reaches its file gets a 408, and while it reads it counts against the limits.
     */
    @Test
    void aFormThatNeverReachesItsFileHoldsAPlaceUntilTheJoinWindowEnds() throws Exception {
        PipeConfig config = PipeConfig.defaults().withMaxPipes(1).withJoinTimeout(Duration.ofSeconds(3));
        try (TestServer server = TestServer.start(container, config);
             RawHttp form = RawHttp.connect(server)) {
            String boundary = "b0undary";
            form.request("PUT", TestServer.PREFIX + "/slow-form", "Content-Type: multipart/form-data; boundary="
                    + boundary, "Content-Length: 100000");
            form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nstill typing")
                    .getBytes(StandardCharsets.US_ASCII));
            // the form holds the server's one place (once it has arrived): a new pipe is refused
            long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
            while (server.registry().places() < 1) {
                assertTrue(System.nanoTime() < deadline, "the form never took its place");
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            HttpResponse<String> refused = get(server, "other");
            assertError(refused, 503, "The server holds as many pipes as it may (1): try again later.");

            RawHttp.Head head = form.head();
            assertEquals(408, head.status(), head.toString());
            assertEquals("[ERROR] The form's file did not start within 3s.\n",
                    new String(form.body().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, server.registry().size());
            assertTransferWorks(server, "after-the-slow-form", 1);
        }
    }

    // ---------------------------------------------------------------- access

    @Test
    void tokensDecideWhoSendsAndReceivesAndARefusedPartyNeverTouchesThePipe() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, """
                sre   send     incidents/
                team  receive  incidents/
                """);
        try (TestServer server = TestServer.start(container, PipeConfig.defaults(), TokenFile.load(file))) {
            HttpResponse<String> anonymous = get(server, "incidents/today");
            assertError(anonymous, 401, "This server wants a token: send it as 'Authorization: Bearer TOKEN'.");
            assertEquals(List.of("Bearer realm=\"pipe\""), anonymous.headers().allValues("WWW-Authenticate"));
            HttpResponse<String> basic = get(server, "incidents/today", "Authorization", "Basic c3JlOnNyZQ==");
            assertEquals(401, basic.statusCode(), "a scheme other than Bearer is no token");

            assertError(get(server, "incidents/today", "Authorization", "Bearer wrong"), 403,
                    "Your token may not receive from this pipe.");
            assertError(get(server, "incidents/today", "Authorization", "Bearer sre"), 403,
                    "Your token may not receive from this pipe.");
            assertError(put(server, "incidents/today", "x", "Authorization", "Bearer team"), 403,
                    "Your token may not send to this pipe.");
            assertError(get(server, "elsewhere", "Authorization", "Bearer team"), 403,
                    "Your token may not receive from this pipe.");
            assertEquals(0, server.registry().size(), "no refused party opened a pipe");
            try (RawHttp preflight = RawHttp.connect(server)) {
                preflight.request("OPTIONS", TestServer.PREFIX + "/incidents/today", "Origin: https://portal.example",
                        "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: authorization");
                assertEquals(200, preflight.head().status(), "a preflight needs no token");
                assertEquals("Content-Type, Content-Disposition, X-Piping, Authorization",
                        preflight.head().header("Access-Control-Allow-Headers"), "a page may send its token");
            }

            // a refused sender does not disturb a waiting receiver
            HttpRequest allowedGet = HttpRequest.newBuilder(server.uri("incidents/today"))
                    .header("Authorization", "bearer team").GET().build();   // the scheme in any case
            var receiver = server.client().sendAsync(allowedGet, HttpResponse.BodyHandlers.ofString());
            server.awaitReceivers("incidents/today", 1);
            assertEquals(403, put(server, "incidents/today", "intruder", "Authorization", "Bearer team")
                    .statusCode());
            HttpResponse<String> sent = put(server, "incidents/today", "the cascade\n", "Authorization",
                    "Bearer sre");
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals("the cascade\n", receiver.get().body());
        }
    }

    @Test
    void aFormFromAPageWithoutScriptCarriesItsTokenInAFieldBeforeItsFile() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, """
                sre   send     incidents/
                team  receive  incidents/
                """);
        try (TestServer server = TestServer.start(container, PipeConfig.defaults(), TokenFile.load(file))) {
            assertError(postForm(server, form(tokenPart("team"), filePart("x"))), 403,
                    "Your token may not send to this pipe.");
            assertError(postForm(server, form(filePart("x"))), 401,
                    "This server wants a token: send it as 'Authorization: Bearer TOKEN'.");
            assertError(postForm(server, form(filePart("x"), tokenPart("sre"))), 401,
                    "This server wants a token: send it as 'Authorization: Bearer TOKEN'.");
            assertEquals(0, server.registry().size(), "no refused form opened a pipe");

            HttpRequest allowedGet = HttpRequest.newBuilder(server.uri("incidents/today"))
                    .header("Authorization", "Bearer team").GET().build();
            var receiver = server.client().sendAsync(allowedGet, HttpResponse.BodyHandlers.ofString());
            server.awaitReceivers("incidents/today", 1);
            HttpResponse<String> sent = postForm(server, form(tokenPart(" sre "), filePart("the cascade\n")));
            assertEquals(200, sent.statusCode(), sent.body());
            assertEquals("the cascade\n", receiver.get().body(), "the token field is not the payload");
        }
    }

    private static final String BOUNDARY = "----pipeFormBoundary4c1f0e9b";

    private static HttpResponse<String> postForm(TestServer server, String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("incidents/today"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return server.client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String tokenPart(String token) {
        return "Content-Disposition: form-data; name=\"pipe_token\"\r\n\r\n" + token;
    }

    private static String filePart(String content) {
        return "Content-Disposition: form-data; name=\"input_file\"; filename=\"cascade.log\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + content;
    }

    private static String form(String... parts) {
        StringBuilder form = new StringBuilder();
        for (String part : parts) {
            form.append("--").append(BOUNDARY).append("\r\n").append(part).append("\r\n");
        }
        return form.append("--").append(BOUNDARY).append("--\r\n").toString();
    }

    @Test
    void aPolicyThatThrowsRefusesRatherThanFailing() throws Exception {
        AccessPolicy broken = (role, key, credentials) -> {
            throw new IllegalStateException("bug");
        };
        try (TestServer server = TestServer.start(container, PipeConfig.defaults(), broken)) {
            HttpResponse<String> refused = get(server, "x", "Authorization", "Bearer anything");
            assertEquals(403, refused.statusCode());
            assertFalse(refused.body().contains("bug") || refused.body().contains("Exception"), refused.body());
        }
    }

    // ---------------------------------------------------------------- graceful stop

    @Test
    void stopLetsStreamingPipesFinishWithinTheGraceAndRefusesNewOnes() throws Exception {
        try (TestServer server = TestServer.start(container)) {
            StreamingReceiver waiting = StreamingReceiver.start(server, "waiting", 1, true);
            StreamingReceiver streaming = StreamingReceiver.start(server, "streaming", 1, true);
            server.awaitReceivers("waiting", 1);
            server.awaitReceivers("streaming", 1);
            RawHttp sender = RawHttp.putChunked(server, "streaming");
            sender.chunk("first\n".getBytes(StandardCharsets.UTF_8));
            streaming.awaitCount(6);

            List<Boolean> finished = new ArrayList<>();
            Thread stopping = new Thread(() -> {
                try {
                    finished.add(server.servlet().shutdown(TestServer.LONG_WAIT));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopping.start();

            StreamingReceiver.Result refusedWaiting = waiting.await();
            assertEquals(503, refusedWaiting.status(), "a waiting pipe cannot complete any more");
            assertError(get(server, "new"), 503, "The server is shutting down.");

            sender.chunk("last\n".getBytes(StandardCharsets.UTF_8));
            sender.lastChunk();
            assertArrayEquals("first\nlast\n".getBytes(StandardCharsets.UTF_8), streaming.await().assertOk().bytes());
            stopping.join(TestServer.LONG_WAIT.toMillis());
            assertEquals(List.of(true), finished, "the streaming pipe finished within the grace period");
            sender.close();
        }
    }

    @Test
    void pastTheGraceAStreamingReceiverSeesACutNotAnEnd() throws Exception {
        try (TestServer server = TestServer.start(container)) {
            StreamingReceiver streaming = StreamingReceiver.start(server, "streaming", 1, true);
            server.awaitReceivers("streaming", 1);
            try (RawHttp sender = RawHttp.putChunked(server, "streaming")) {
                sender.chunk("partial\n".getBytes(StandardCharsets.UTF_8));
                streaming.awaitCount(8);

                assertFalse(server.servlet().shutdown(Duration.ofMillis(200)), "the sender never ends");

                StreamingReceiver.Result cut = streaming.await();
                assertNotNull(cut.failure(), "the receiver must see an error, not a clean end");
                assertEquals(8, cut.count());
                String progress = new String(sender.body().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(progress.contains("[ERROR] The server is shutting down."), "the sender is told why: "
                        + progress);
            }
        }
    }
}
