package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeState;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Assertions on what the pipe endpoints answer: exact error responses and the sender's progress lines. */
public final class HttpAsserts {

    public static final String SENT = "[INFO] Sent successfully!";
    public static final String ALL_RECEIVED = "[INFO] All receiver(s) was/were received successfully.";
    public static final String RECEIVER_CONNECTED = "[INFO] A receiver was connected.";
    public static final String RECEIVER_ABORTED = "[INFO] A receiver aborted.";
    public static final String ALL_ABORTED = "[INFO] All receiver(s) was/were aborted halfway.";

    private static final Pattern STATUS_LINE = Pattern.compile(
            "\\[INFO] Streaming to \\d+ receiver\\(s\\) at .+/s \\(.+ sent\\)");
    private static final Pattern SUMMARY = Pattern.compile(
            "\\[INFO] Done: .+ to (\\d+) receiver\\(s\\) in [0-9.]+ s \\(.+/s\\)\\.");

    private HttpAsserts() {
    }

    public static String waiting(int receivers) {
        return "[INFO] Waiting for " + receivers + " receiver(s)...";
    }

    public static String connected(int receivers) {
        return "[INFO] " + receivers + " receiver(s) has/have been connected.";
    }

    public static String started(int receivers) {
        return "[INFO] Start sending to " + receivers + " receiver(s)!";
    }

    /**
     * Asserts an error response exactly: the status, {@code Content-Type: text/plain} with no parameter, a
     * {@code Content-Length} that matches, {@code Access-Control-Allow-Origin: *}, and the body
     * {@code [ERROR] message} as one line.
     */
    public static void assertError(HttpResponse<String> response, int status, String message) {
        String context = response.request().method() + " " + response.uri() + " -> " + response.statusCode() + " "
                + response.headers().map() + " '" + response.body() + "'";
        assertEquals(status, response.statusCode(), context);
        assertErrorHeaders(response.headers(), message, context);
        assertEquals("[ERROR] " + message + "\n", response.body(), context);
    }

    /** The headers of an error response whose body is {@code [ERROR] message} (for HEAD, which has no body). */
    public static void assertErrorHeaders(HttpHeaders headers, String message, String context) {
        assertEquals(List.of("text/plain"), headers.allValues("Content-Type"), "Content-Type of " + context);
        int length = ("[ERROR] " + message + "\n").getBytes(StandardCharsets.UTF_8).length;
        assertEquals(List.of(String.valueOf(length)), headers.allValues("Content-Length"),
                "Content-Length of " + context);
        assertEquals(List.of("*"), headers.allValues("Access-Control-Allow-Origin"), "CORS of " + context);
    }

    /** The sender's lines without the periodic status lines, whose number depends on the clock. */
    public static List<String> withoutStatusLines(List<String> lines) {
        List<String> kept = new ArrayList<>(lines);
        kept.removeIf(line -> STATUS_LINE.matcher(line).matches());
        return kept;
    }

    public static List<String> lines(String body) {
        assertTrue(body.endsWith("\n"), "the progress must end with a whole line: '" + body + "'");
        return Arrays.asList(body.substring(0, body.length() - 1).split("\n", -1));
    }

    /**
     * Asserts the progress of a transfer that completed: exactly {@code head}, then the two closing lines of the
     * protocol and a summary naming {@code receivedBy} receivers (periodic status lines aside).
     */
    public static void assertCompleted(List<String> progress, int receivedBy, String... head) {
        List<String> lines = withoutStatusLines(progress);
        List<String> expected = new ArrayList<>(Arrays.asList(head));
        expected.add(SENT);
        expected.add(ALL_RECEIVED);
        assertEquals(expected.size() + 1, lines.size(), "progress lines: " + progress);
        assertEquals(expected, lines.subList(0, expected.size()), "progress lines: " + progress);
        Matcher summary = SUMMARY.matcher(lines.get(lines.size() - 1));
        assertTrue(summary.matches(), "the last line is the summary: " + progress);
        assertEquals(String.valueOf(receivedBy), summary.group(1), "receivers in the summary: " + progress);
    }

    /**
     * Asserts the progress of a transfer whose stream ended but did not reach all {@code expected} receivers: exactly
     * {@code head}, then {@code Sent successfully!}, the summary naming the {@code receivedBy} that got every byte,
     * and an {@code [ERROR]} line that says how many did (periodic status lines aside).
     */
    public static void assertReachedSome(List<String> progress, int receivedBy, int expected, String... head) {
        List<String> lines = withoutStatusLines(progress);
        List<String> first = new ArrayList<>(Arrays.asList(head));
        first.add(SENT);
        assertEquals(first.size() + 2, lines.size(), "progress lines: " + progress);
        assertEquals(first, lines.subList(0, first.size()), "progress lines: " + progress);
        Matcher summary = SUMMARY.matcher(lines.get(first.size()));
        assertTrue(summary.matches(), "the summary: " + progress);
        assertEquals(String.valueOf(receivedBy), summary.group(1), "receivers in the summary: " + progress);
        assertTrue(lines.get(lines.size() - 1).startsWith("[ERROR] " + receivedBy + " of " + expected
                + " receivers got every byte; "), "the last line is the error: " + progress);
    }

    public static void assertCompleted(String body, int receivedBy, String... head) {
        assertCompleted(lines(body), receivedBy, head);
    }

    /**
     * Asserts that a whole transfer works on {@code path} now: {@code receivers} receivers wait, a sender sends a short
     * text, everyone gets it and the pipe is forgotten. Used to show that a path is free again.
     */
    public static void assertTransferWorks(TestServer server, String path, int receivers) throws Exception {
        byte[] payload = ("a fresh transfer on " + path + "\n").getBytes(StandardCharsets.UTF_8);
        List<StreamingReceiver> started = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            started.add(StreamingReceiver.start(server, path, receivers, true));
        }
        server.awaitReceivers(path, receivers);
        HttpResponse<String> sender = server.client().send(HttpRequest.newBuilder(server.uri(path, receivers))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sender.statusCode(), sender.body());
        assertCompleted(sender.body(), receivers, waiting(receivers), connected(receivers), started(receivers));
        for (StreamingReceiver receiver : started) {
            assertArrayEquals(payload, receiver.await().assertOk().bytes(),
                    "bytes of a receiver of the fresh transfer on " + path);
        }
        server.awaitGone(path);
        assertEquals(PipeState.COMPLETED, server.lastEnd(path), "end of the fresh transfer on " + path);
    }

    /** What a client read of a response body: its text, and whether the body ended (false: it was cut off). */
    public record Read(String text, boolean ended) {
        public List<String> lines() {
            return HttpAsserts.lines(text);
        }
    }

    /** Reads a response body to its end or its cut, keeping what came before a cut. */
    public static Read readToEndOrCut(java.io.InputStream body) {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (body) {
            for (int read; (read = body.read(buffer)) >= 0; ) {
                text.write(buffer, 0, read);
            }
        } catch (java.io.IOException cut) {
            return new Read(text.toString(StandardCharsets.UTF_8), false);
        }
        return new Read(text.toString(StandardCharsets.UTF_8), true);
    }

    public static int count(List<String> lines, String line) {
        int count = 0;
        for (String seen : lines) {
            if (seen.equals(line)) {
                count++;
            }
        }
        return count;
    }

    /** Asserts that each of {@code names} is a header of {@code head}, spelled exactly so (the reference's case). */
    public static void assertNames(RawHttp.Head head, List<String> names) {
        for (String name : names) {
            assertTrue(head.names().contains(name), name + " spelled exactly so in " + head.names());
        }
    }

    /** The rest of {@code client}'s body as text, which must end as framed (not cut off). */
    public static String readAll(RawHttp client) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        client.body().transferTo(bytes);
        assertTrue(client.body().complete(), "a complete body, as framed");
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
