package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertCompleted;
import static dev.pipe.servlet.HttpAsserts.assertReachedSome;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import dev.pipe.core.SlowReceiverPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A receiver that stops reading (PROTOCOL.md section 6): under {@code block} the slowest governs and the server holds
 * no more than one chunk whatever the size of the stream; under {@code drop-after} the stalled one is cut off and the
 * others carry on.
 */
@Timeout(90)
class SlowReceiverHttpTest {

    private static final long MIB = 1024 * 1024;
    /** The stalled receiver's socket receive buffer: small and fixed, so that it holds back the server early. */
    private static final int STALLED_RECEIVE_BUFFER = 64 * 1024;

    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * While one receiver reads nothing, the other gets no further than the stalled one's socket buffers and one chunk
     * ahead, the sender is held back, and the heap does not take the stream; once it reads again, all complete. The
     * same holds with a window of two chunks: the second one is the sender's read-ahead, never a receiver's.
     */
    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {1, 2})
    void slowestReceiverGovernsUnderBlock(int window) throws Exception {
        server = TestServer.start(PipeConfig.defaults().withWindow(window));
        String path = "slow-block";
        long total = 64 * MIB;
        long heapBefore = TestData.usedHeapAfterGc();
        StreamingReceiver fast = StreamingReceiver.start(server, path, 2, false);
        try (RawHttp stalled = RawHttp.connect(server, STALLED_RECEIVE_BUFFER)) {
            stalled.request("GET", TestServer.PREFIX + "/" + path + "?n=2");
            server.awaitReceivers(path, 2);
            TestData.PatternStream source = new TestData.PatternStream(7L, total, 64 * 1024);
            CompletableFuture<HttpResponse<String>> sender = server.client().sendAsync(
                    HttpRequest.newBuilder(server.uri(path, 2)).PUT(BodyPublishers.ofInputStream(() -> source)).build(),
                    BodyHandlers.ofString());
            assertEquals(200, stalled.head().status(), stalled.head().toString());
            // from here the stalled receiver reads nothing

            long fastStalledAt = TestData.awaitSettled(fast::count);
            long produced = source.produced();
            long heapDuring = TestData.usedHeapAfterGc();
            System.out.printf("block: with one receiver stalled, the fast one got %s and the sender produced %s of %s;"
                            + " heap %s before, %s during%n", TestData.mib(fastStalledAt), TestData.mib(produced),
                    TestData.mib(total), TestData.mib(heapBefore), TestData.mib(heapDuring));
            // The fast one may be ahead by what reached the stalled one's socket and no more: the server's send buffer
            // (at most the kernel's cap), the stalled client's receive buffer (doubled by the kernel) and its own 64 KiB
            // read buffer, plus the one chunk in flight on the server; 1 MiB of slack for the kernel's accounting.
            long bound = sendBufferCap() + 2L * STALLED_RECEIVE_BUFFER + 64 * 1024 + 64 * 1024 + MIB;
            assertTrue(bound < total / 2, "this machine's socket buffers (" + TestData.mib(bound) + ") are too large"
                    + " for a stall to show in " + TestData.mib(total));
            assertTrue(fastStalledAt > 0, "the fast receiver got the first bytes");
            assertTrue(fastStalledAt <= bound, "the fast receiver must be held back by the stalled one, but it got "
                    + TestData.mib(fastStalledAt) + " of " + TestData.mib(total) + "; bound " + TestData.mib(bound));
            assertTrue(produced < total, "the sender must be held back too: it produced " + TestData.mib(produced));
            assertFalse(sender.isDone(), "the transfer cannot end while a receiver is stalled");
            assertTrue(heapDuring - heapBefore < 32 * MIB, "the server must not take the stream into the heap: "
                    + TestData.mib(heapDuring - heapBefore) + " more in use");

            MessageDigest digest = TestData.sha256();
            long slowCount = stalled.body().drainInto(digest);
            assertTrue(stalled.body().complete(), "the stalled receiver's body ends properly once it reads again");
            assertEquals(total, slowCount);
            assertArrayEquals(source.sha256(), digest.digest(), "the stalled receiver gets exactly the sender's bytes");
            StreamingReceiver.Result got = fast.await().assertOk();
            assertEquals(total, got.count());
            assertArrayEquals(source.sha256(), got.sha256(), "the fast receiver gets exactly the sender's bytes");
            HttpResponse<String> progress = sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertCompleted(progress.body(), 2, waiting(2), connected(2), started(2));
        }
        server.awaitGone(path);
        assertEquals(PipeState.COMPLETED, server.lastEnd(path));
    }

    /**
     * Under drop-after=2s a receiver that reads nothing is cut off, the sender is told, and the other gets every byte;
     * the sender's response ends with an [ERROR] line (one of two got every byte) and is cut off.
     */
    @Test
    void stalledReceiverIsDroppedUnderDropAfter() throws Exception {
        server = TestServer.start(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.dropAfter(
                Duration.ofSeconds(2))));
        String path = "slow-drop";
        long total = 32 * MIB;
        StreamingReceiver fast = StreamingReceiver.start(server, path, 2, false);
        try (RawHttp stalled = RawHttp.connect(server, STALLED_RECEIVE_BUFFER)) {
            stalled.request("GET", TestServer.PREFIX + "/" + path + "?n=2");
            server.awaitReceivers(path, 2);
            TestData.PatternStream source = new TestData.PatternStream(8L, total, 64 * 1024);
            CompletableFuture<HttpResponse<InputStream>> sender = server.client().sendAsync(
                    HttpRequest.newBuilder(server.uri(path, 2)).PUT(BodyPublishers.ofInputStream(() -> source)).build(),
                    BodyHandlers.ofInputStream());
            assertEquals(200, stalled.head().status(), stalled.head().toString());
            // from here the stalled receiver reads nothing, until the transfer is over

            HttpResponse<InputStream> progress = sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            HttpAsserts.Read read = HttpAsserts.readToEndOrCut(progress.body());
            // one of two receivers got every byte: the sender's transfer failed, and its response says so
            assertReachedSome(read.lines(), 1, 2, waiting(2), connected(2), started(2),
                    "[INFO] A receiver was dropped: it took no bytes for 2s.");
            assertFalse(read.ended(), "the sender's response is cut off after its [ERROR] line");
            StreamingReceiver.Result got = fast.await().assertOk();
            assertEquals(total, got.count());
            assertArrayEquals(source.sha256(), got.sha256(), "the receiver that kept up gets exactly the sender's bytes");

            try {
                stalled.body().drainInto(null);
            } catch (IOException reset) {
                // a reset is a cut-off too
            }
            assertFalse(stalled.body().complete(), "the dropped receiver's body must be cut off, not ended");
            assertTrue(stalled.body().count() < total, "the dropped receiver cannot have every byte");
            System.out.printf("drop-after: the dropped receiver got %s of %s before its cut%n",
                    TestData.mib(stalled.body().count()), TestData.mib(total));
        }
        server.awaitGone(path);
        assertEquals(PipeState.COMPLETED, server.lastEnd(path));
    }

    /** The most the kernel buffers for a TCP sender (net.ipv4.tcp_wmem, third value); 16 MiB if unknown. */
    private static long sendBufferCap() {
        try {
            String[] values = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(values[2]);
        } catch (IOException | RuntimeException unknown) {
            return 16 * MIB;
        }
    }
}
