package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertCompleted;
import static dev.pipe.servlet.HttpAsserts.assertError;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTML form uploads (PROTOCOL.md section 8): the first file part of a {@code multipart/form-data} body streams to the
 * receivers with its own {@code Content-Type} and {@code Content-Disposition}, never buffered whole; a form the
 * browser abandons halfway leaves nothing behind.
 */
@Timeout(180)
@ParameterizedClass
@MethodSource("dev.pipe.servlet.Containers#underTest")
class MultipartHttpTest {

    @Parameter
    Containers container;

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String FORM_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final long MIB = 1024 * 1024;

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(container);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Fields before and after the file are not sent; the file's part headers are, and X-Piping from the request. */
    @Test
    void fileFormReachesEveryReceiverWithThePartsHeaders() throws Exception {
        byte[] file = TestData.logLines(7, 300_000);
        byte[] body = form(part("form-data; name=\"note\"", null, "not this".getBytes(StandardCharsets.UTF_8)),
                part("form-data; name=\"input_file\"; filename=\"incident.log\"", "text/html", file),
                part("form-data; name=\"after\"", null, "nor this".getBytes(StandardCharsets.UTF_8)));
        List<StreamingReceiver> receivers = List.of(StreamingReceiver.start(server, "form", 2, true),
                StreamingReceiver.start(server, "form", 2, true));
        server.awaitReceivers("form", 2);
        HttpResponse<String> sender = server.client().send(HttpRequest.newBuilder(server.uri("form", 2))
                .header("Content-Type", FORM_TYPE).header("X-Piping", "from-a-form")
                .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
        assertCompleted(sender.body(), 2, waiting(2), connected(2), started(2));
        for (StreamingReceiver receiver : receivers) {
            StreamingReceiver.Result got = receiver.await().assertOk();
            assertArrayEquals(file, got.bytes(), "the file part's bytes, exactly");
            assertEquals(List.of("text/plain"), got.headers().allValues("Content-Type"), "text/html as text/plain");
            assertEquals(List.of("form-data; name=\"input_file\"; filename=\"incident.log\""),
                    got.headers().allValues("Content-Disposition"));
            assertEquals(List.of("from-a-form"), got.headers().allValues("X-Piping"));
            assertEquals(List.of(), got.headers().allValues("Content-Length"), "a part's length is not known ahead");
        }
        server.awaitGone("form");
    }

    /** A form with only a text field (the no-script page's text form) sends that field, as UTF-8 text. */
    @Test
    void textOnlyFormSendsItsField() throws Exception {
        String text = "Disk full on db-3 at 06:12 — failover began\n";
        StreamingReceiver receiver = StreamingReceiver.start(server, "text-form", 1, true);
        server.awaitReceivers("text-form", 1);
        HttpResponse<String> sender = server.client().send(HttpRequest.newBuilder(server.uri("text-form"))
                .header("Content-Type", FORM_TYPE)
                .POST(BodyPublishers.ofByteArray(form(part("form-data; name=\"input_text\"", null,
                        text.getBytes(StandardCharsets.UTF_8))))).build(), BodyHandlers.ofString());
        assertCompleted(sender.body(), 1, waiting(1), connected(1), started(1));
        StreamingReceiver.Result got = receiver.await().assertOk();
        assertEquals(text, new String(got.bytes(), StandardCharsets.UTF_8));
        assertEquals(List.of("text/plain; charset=UTF-8"), got.headers().allValues("Content-Type"));
        assertEquals(List.of(), got.headers().allValues("Content-Disposition"), "a field is not a file");
    }

    /** The sender may come first: it waits with its form's first bytes read, and streams once everyone is there. */
    @Test
    void formSenderFirstWaitsThenStreams() throws Exception {
        byte[] file = TestData.logLines(11, 200_000);
        CompletableFuture<HttpResponse<String>> sender = server.client().sendAsync(
                HttpRequest.newBuilder(server.uri("form-first"))
                        .header("Content-Type", FORM_TYPE)
                        .POST(BodyPublishers.ofByteArray(form(part(
                                "form-data; name=\"f\"; filename=\"a.bin\"", "application/octet-stream", file))))
                        .build(), BodyHandlers.ofString());
        server.awaitSender("form-first");
        StreamingReceiver receiver = StreamingReceiver.start(server, "form-first", 1, true);
        StreamingReceiver.Result got = receiver.await().assertOk();
        assertArrayEquals(file, got.bytes());
        assertEquals(List.of("application/octet-stream"), got.headers().allValues("Content-Type"));
        assertCompleted(sender.get(30, TimeUnit.SECONDS).body(), 1, waiting(1), HttpAsserts.RECEIVER_CONNECTED,
                started(1));
    }

    /** With chunks larger than a form's array (the standalone server's 1 MiB), a form's file still arrives whole. */
    @Test
    void formThroughChunksLargerThanItsArrayArrivesWhole() throws Exception {
        try (TestServer large = TestServer.start(container, PipeConfig.defaults().withChunkSize((int) MIB))) {
            byte[] file = TestData.logLines(13, 3_000_000);
            StreamingReceiver receiver = StreamingReceiver.start(large, "large-chunks", 1, true);
            large.awaitReceivers("large-chunks", 1);
            HttpResponse<String> sender = large.client().send(HttpRequest.newBuilder(large.uri("large-chunks"))
                    .header("Content-Type", FORM_TYPE).POST(BodyPublishers.ofByteArray(form(part(
                            "form-data; name=\"f\"; filename=\"a.log\"", "text/plain", file)))).build(),
                    BodyHandlers.ofString());
            assertCompleted(sender.body(), 1, waiting(1), connected(1), started(1));
            assertArrayEquals(file, receiver.await().assertOk().bytes());
        }
    }

    /** A 1 GiB file part streams through the pipe's one buffer: the heap does not grow with it. */
    @Test
    void gibibyteFormUploadStreamsWithBoundedHeap() throws Exception {
        long total = 1024 * MIB;
        TestData.PatternStream file = new TestData.PatternStream(20261125L, total, 100_000);
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"input_file\"; filename=\"big.bin\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        long heapBefore = TestData.usedHeapAfterGc();
        StreamingReceiver receiver = StreamingReceiver.start(server, "big-form", 1, false);
        server.awaitReceivers("big-form", 1);
        InputStream body = new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head),
                file, new ByteArrayInputStream(tail))));
        CompletableFuture<HttpResponse<String>> sender = server.client().sendAsync(
                HttpRequest.newBuilder(server.uri("big-form")).header("Content-Type", FORM_TYPE)
                        .POST(BodyPublishers.ofInputStream(() -> body)).build(), BodyHandlers.ofString());
        receiver.awaitCount(total / 2);
        long heapHalfway = TestData.usedHeapAfterGc();
        StreamingReceiver.Result got = receiver.await(Duration.ofSeconds(150)).assertOk();
        assertEquals(total, got.count());
        assertArrayEquals(file.sha256(), got.sha256(), "SHA-256 of the file part at the receiver");
        assertCompleted(sender.get(30, TimeUnit.SECONDS).body(), 1, waiting(1), connected(1), started(1));
        server.awaitGone("big-form");
        long heapAfter = TestData.usedHeapAfterGc();
        System.out.printf("form upload: %s; heap after GC: %s before, %s halfway, %s after%n", TestData.mib(total),
                TestData.mib(heapBefore), TestData.mib(heapHalfway), TestData.mib(heapAfter));
        assertTrue(heapHalfway - heapBefore < 64 * MIB, "halfway, the heap holds "
                + TestData.mib(heapHalfway - heapBefore) + " more than before: the form is being kept");
        assertTrue(heapAfter - heapBefore < 64 * MIB, "after, the heap holds "
                + TestData.mib(heapAfter - heapBefore) + " more than before");
    }

    /**
     * A browser that abandons its upload (the tab closed: a reset, mid-headers or mid-file) does not hurt the server:
     * the receivers see a cut-off response or keep waiting, the pipe is forgotten, and the next form goes through.
     */
    @ParameterizedTest
    @EnumSource(Abandon.class)
    void abandonedFormUploadLeavesNothingBehind(Abandon when) throws Exception {
        String path = "abandoned";
        boolean midFile = when != Abandon.MID_HEADERS;
        RawHttp receiver = RawHttp.get(server, path);
        server.awaitReceivers(path, 1);
        RawHttp browser = RawHttp.connect(server).request("POST", TestServer.PREFIX + "/" + path,
                "Content-Type: " + FORM_TYPE, "Content-Length: " + (1024 * MIB));
        String partHead = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"input_file\"; filename=\"x\"";
        byte[] start = (midFile ? partHead + "\r\n\r\n" : partHead).getBytes(StandardCharsets.US_ASCII);
        browser.write(start, 0, start.length);
        if (when == Abandon.AT_FILE_START) {
            server.awaitSender(path); // the sender joined on its part's headers, and the pipe asks for bytes
        } else if (when == Abandon.MID_FILE) {
            byte[] some = TestData.logLines(3, 256 * 1024);
            browser.write(some, 0, some.length);
            RawHttp.Head head = receiver.head();
            assertEquals(200, head.status());
            receiver.body().readNBytes(100_000);
        }
        browser.reset();
        if (when == Abandon.AT_FILE_START) {
            // nothing was written to the receiver yet: its connection is closed without a response
            assertTrue(receiver.awaitServerClose(), "the receiver is cut off");
            server.awaitGone(path);
            assertEquals(PipeState.FAILED, server.lastEnd(path));
        } else if (midFile) {
            receiver.body().transferTo(OutputStreamSink.INSTANCE);
            assertFalse(receiver.body().complete(), "a cut-off response, not a clean end");
            server.awaitGone(path);
            assertEquals(PipeState.FAILED, server.lastEnd(path));
        } else {
            assertNull(server.lastEnd(path), "the sender never joined, so the pipe still waits for one");
        }
        receiver.close();
        if (!midFile && !container.noticesAWaitingPartyLeaving()) {
            return; // on Tomcat the waiting receiver that left is noticed when the pipe starts (PROTOCOL.md 12)
        }
        if (!midFile) {
            server.awaitGone(path); // the waiting receiver left too
        }
        // the path works again
        byte[] file = "after the storm\n".getBytes(StandardCharsets.UTF_8);
        StreamingReceiver next = StreamingReceiver.start(server, path, 1, true);
        server.awaitReceivers(path, 1);
        HttpResponse<String> sender = server.client().send(HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", FORM_TYPE)
                .POST(BodyPublishers.ofByteArray(form(part("form-data; name=\"f\"; filename=\"f\"", null, file))))
                .build(), BodyHandlers.ofString());
        assertEquals(200, sender.statusCode(), sender.body());
        assertArrayEquals(file, next.await().assertOk().bytes());
    }

    /** When the browser gives up: before its file part's headers are in, right as they are, or halfway through. */
    enum Abandon { MID_HEADERS, AT_FILE_START, MID_FILE }

    /** A file name as a browser sends it, raw UTF-8, reaches the receivers byte for byte. */
    @Test
    void nonAsciiFileNameReachesReceiversByteForByte() throws Exception {
        String disposition = "form-data; name=\"input_file\"; filename=\"résumé 日本.txt\"";
        try (RawHttp receiver = RawHttp.get(server, "names")) {
            server.awaitReceivers("names", 1);
            HttpResponse<String> sender = server.client().send(HttpRequest.newBuilder(server.uri("names"))
                    .header("Content-Type", FORM_TYPE)
                    .POST(BodyPublishers.ofByteArray(form(part(disposition, "text/plain", new byte[] {'x'}))))
                    .build(), BodyHandlers.ofString());
            assertEquals(200, sender.statusCode());
            String raw = receiver.head().header("Content-Disposition"); // the head is read as ISO-8859-1
            assertEquals(disposition, new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            assertEquals("x", new String(receiver.body().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A form whose file does not start within its first MiB is refused before it reaches a pipe. */
    @Test
    void formWithoutAFileInItsFirstMebibyteIsRefused() throws Exception {
        byte[] field = new byte[(int) (2 * FormBody.MAX_BEFORE_PAYLOAD)];
        java.util.Arrays.fill(field, (byte) 'a');
        HttpResponse<String> refused = server.client().send(HttpRequest.newBuilder(server.uri("late-file"))
                .header("Content-Type", FORM_TYPE)
                .POST(BodyPublishers.ofByteArray(form(part("form-data; name=\"note\"", null, field),
                        part("form-data; name=\"f\"; filename=\"f\"", null, new byte[] {'x'})))).build(),
                BodyHandlers.ofString());
        assertEquals(400, refused.statusCode());
        assertEquals("[ERROR] The form's file does not start within its first 1 MiB.\n", refused.body());
        assertNull(server.lastEnd("late-file"));
    }

    /** Forms that are not forms: a 400 with one line, and no pipe is touched. */
    @Test
    void malformedFormsAreRefusedWithOneLine() throws Exception {
        HttpResponse<String> noBoundary = server.client().send(HttpRequest.newBuilder(server.uri("bad"))
                .header("Content-Type", "multipart/form-data").POST(BodyPublishers.ofString("x")).build(),
                BodyHandlers.ofString());
        assertEquals(400, noBoundary.statusCode());
        assertTrue(noBoundary.body().startsWith("[ERROR] ") && noBoundary.body().endsWith("\n"), noBoundary.body());
        assertEquals(1, noBoundary.body().lines().count());

        HttpResponse<String> noParts = server.client().send(HttpRequest.newBuilder(server.uri("bad"))
                .header("Content-Type", FORM_TYPE).POST(BodyPublishers.ofString("--" + BOUNDARY + "--\r\n")).build(),
                BodyHandlers.ofString());
        assertEquals(400, noParts.statusCode());
        assertEquals(1, noParts.body().lines().count(), noParts.body());
        assertTrue(noParts.body().startsWith("[ERROR] "), noParts.body());

        HttpResponse<String> truncated = server.client().send(HttpRequest.newBuilder(server.uri("bad"))
                .header("Content-Type", FORM_TYPE)
                .POST(BodyPublishers.ofString("--" + BOUNDARY + "\r\nContent-Disposition: form-da")).build(),
                BodyHandlers.ofString());
        assertEquals(400, truncated.statusCode());
        assertTrue(truncated.body().startsWith("[ERROR] "), truncated.body());
        assertNull(server.registry().state(server.key("bad")));
        assertNull(server.lastEnd("bad"));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] part(String disposition, String type, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: " + disposition + "\r\n"
                + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] form(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Discards what is written. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
