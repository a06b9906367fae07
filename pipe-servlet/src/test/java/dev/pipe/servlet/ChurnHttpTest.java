package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertTransferWorks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * For a bounded time, pipes are created, completed, aborted (by the sender, by a receiver) and left to expire, many
 * at once: every completed receiver gets exact bytes, every cut-off one sees the cut, and at the end the registry is
 * empty, every pooled chunk is back exactly once and the heap is where it started.
 */
class ChurnHttpTest {

    private static final Duration CHURN = Duration.ofSeconds(6);
    private static final int THREADS = 8;
    private static final long HEAP_SLACK = 16L * 1024 * 1024;

    enum Kind { COMPLETE, SENDER_ABORTS, RECEIVER_ABORTS, EXPIRES }

    @Test
    void hundredsOfPipesCreatedCompletedAbortedAndExpiredLeaveNothingBehind() throws Exception {
        PipeConfig config = PipeConfig.defaults().withChunkSize(16 * 1024).withJoinTimeout(Duration.ofSeconds(2));
        try (TestServer server = TestServer.start(config)) {
            assertTransferWorks(server, "warm-up", 2);
            long heapBefore = TestData.usedHeapAfterGc();
            AtomicInteger paths = new AtomicInteger();
            AtomicInteger[] done = new AtomicInteger[Kind.values().length];
            for (int i = 0; i < done.length; i++) {
                done[i] = new AtomicInteger();
            }
            long until = System.nanoTime() + CHURN.toNanos();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> work = new ArrayList<>();
            try {
                for (int t = 0; t < THREADS; t++) {
                    long seed = t;
                    work.add(threads.submit(() -> {
                        Random random = new Random(seed);
                        while (System.nanoTime() < until) {
                            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                            // expiries take the join window (2 s): fewer of them, so that the others churn
                            if (kind == Kind.EXPIRES && random.nextInt(8) != 0) {
                                kind = Kind.COMPLETE;
                            }
                            String path = "churn-" + paths.incrementAndGet();
                            try {
                                run(server, kind, path, random);
                            } catch (Exception | AssertionError e) {
                                throw new AssertionError(kind + " on " + path + " failed", e);
                            }
                            done[kind.ordinal()].incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> future : work) {
                    future.get(CHURN.plus(TestServer.LONG_WAIT).toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            int total = 0;
            StringBuilder figures = new StringBuilder();
            for (Kind kind : Kind.values()) {
                total += done[kind.ordinal()].get();
                figures.append(' ').append(kind).append('=').append(done[kind.ordinal()].get());
            }
            System.out.println("churn: " + total + " pipes in " + CHURN.toSeconds() + " s:" + figures);
            assertTrue(total >= 100, "a churn of hundreds of pipes: " + figures);
            for (Kind kind : Kind.values()) {
                assertTrue(done[kind.ordinal()].get() > 0, "every kind ran: " + figures);
            }
            assertTrue(server.registry().awaitEmpty(TestServer.LONG_WAIT), "pipes left: " + server.registry());
            long heapAfter = TestData.usedHeapAfterGc();
            System.out.println("churn: heap " + TestData.mib(heapBefore) + " before, " + TestData.mib(heapAfter)
                    + " after");
            assertTrue(heapAfter < heapBefore + HEAP_SLACK, "heap grew from " + TestData.mib(heapBefore) + " to "
                    + TestData.mib(heapAfter));
            assertTransferWorks(server, "after-the-churn", 3);
        }
    }

    private static void run(TestServer server, Kind kind, String path, Random random) throws Exception {
        byte[] payload = TestData.logLines(random.nextLong(), 1 + random.nextInt(96 * 1024));
        switch (kind) {
            case COMPLETE -> {
                int n = 1 + random.nextInt(3);
                List<StreamingReceiver> receivers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    receivers.add(StreamingReceiver.start(server, path, n, true));
                }
                server.awaitReceivers(path, n);
                try (RawHttp sender = RawHttp.putChunked(server, path + "?n=" + n)) {
                    sender.chunk(payload);
                    sender.lastChunk();
                    sender.body().drainInto(null);
                    assertTrue(sender.body().complete(), "the sender's progress ended normally");
                }
                for (StreamingReceiver receiver : receivers) {
                    assertArrayEquals(payload, receiver.await().assertOk().bytes(), "bytes of " + path);
                }
            }
            case SENDER_ABORTS -> {
                StreamingReceiver receiver = StreamingReceiver.start(server, path, 1, false);
                server.awaitReceivers(path, 1);
                RawHttp sender = RawHttp.putChunked(server, path);
                sender.chunk(payload);
                receiver.awaitCount(payload.length);
                if (random.nextBoolean()) {
                    sender.reset();
                } else {
                    sender.close();
                }
                StreamingReceiver.Result cut = receiver.await();
                assertNotNull(cut.failure(), "a cut-off receiver of " + path + " must see an error");
            }
            case RECEIVER_ABORTS -> ReadCallbackHttpTest.oneLeavesBetweenTwoChunks(server, path, payload);
            case EXPIRES -> {
                try (RawHttp receiver = RawHttp.get(server, path)) {
                    assertEquals(504, receiver.head().status(), "a lone receiver of " + path + " expires");
                } catch (IOException e) {
                    throw new AssertionError("expiry of " + path, e);
                }
                assertFalse(server.registry().state(server.key(path)) != null, "an expired pipe is forgotten");
            }
        }
    }
}
