package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertCompleted;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeState;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A large stream (PROTOCOL.md section 6, fan-out): every receiver gets exactly the sender's bytes, and the heap holds a
 * bounded number of bytes whatever the size of the transfer.
 */
@Timeout(150)
class LargeTransferHttpTest {

    private static final long MIB = 1024 * 1024;
    private static final long TOTAL = 256 * MIB;
    /** The size of the sender's writes: odd, so that they never line up with the pipe's 64 KiB chunks. */
    private static final int ODD_WRITE = 77_777;
    private static final int RECEIVERS = 3;
    /** Generous for one machine under load; a 256 MiB transfer on loopback takes seconds. */
    private static final Duration TRANSFER_WAIT = Duration.ofSeconds(120);

    /** 256 MiB reach three receivers with identical SHA-256 at each end, and the heap does not grow with them. */
    @Test
    void quarterGibibyteReachesThreeReceiversIntactWithBoundedHeap() throws Exception {
        try (TestServer server = TestServer.start()) {
            String path = "large";
            long heapBefore = TestData.usedHeapAfterGc();
            List<StreamingReceiver> receivers = new ArrayList<>();
            for (int i = 0; i < RECEIVERS; i++) {
                receivers.add(StreamingReceiver.start(server, path, RECEIVERS, false));
            }
            server.awaitReceivers(path, RECEIVERS);
            TestData.PatternStream source = new TestData.PatternStream(20240611L, TOTAL, ODD_WRITE);
            long startNanos = System.nanoTime();
            CompletableFuture<HttpResponse<String>> sender = server.client().sendAsync(
                    HttpRequest.newBuilder(server.uri(path, RECEIVERS))
                            .PUT(BodyPublishers.fromPublisher(new TestData.PatternPublisher(source, ODD_WRITE)))
                            .build(),
                    BodyHandlers.ofString());

            receivers.get(0).awaitCount(TOTAL / 2);
            long heapHalfway = TestData.usedHeapAfterGc();

            byte[] sent = null;
            for (StreamingReceiver receiver : receivers) {
                StreamingReceiver.Result got = receiver.await(TRANSFER_WAIT).assertOk();
                sent = sent == null ? source.sha256() : sent;
                assertEquals(TOTAL, got.count(), "bytes of " + got.name());
                assertArrayEquals(sent, got.sha256(), "SHA-256 at the receiver " + TestData.hex(got.sha256())
                        + " vs at the sender " + TestData.hex(sent));
            }
            HttpResponse<String> progress = sender.get(TRANSFER_WAIT.toSeconds(), TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            assertCompleted(progress.body(), RECEIVERS, waiting(RECEIVERS), connected(RECEIVERS), started(RECEIVERS));
            server.awaitGone(path);
            assertEquals(PipeState.COMPLETED, server.lastEnd(path));
            long heapAfter = TestData.usedHeapAfterGc();

            System.out.printf("large: %s to %d receivers in %d ms, SHA-256 %s; heap after GC: %s before, %s halfway,"
                            + " %s after%n", TestData.mib(TOTAL), RECEIVERS, millis, TestData.hex(sent),
                    TestData.mib(heapBefore), TestData.mib(heapHalfway), TestData.mib(heapAfter));
            assertTrue(heapHalfway - heapBefore < 64 * MIB, "halfway through, the heap holds "
                    + TestData.mib(heapHalfway - heapBefore) + " more than before: the stream is being kept");
            assertTrue(heapAfter - heapBefore < 64 * MIB, "after the transfer, the heap holds "
                    + TestData.mib(heapAfter - heapBefore) + " more than before");
        }
    }
}
