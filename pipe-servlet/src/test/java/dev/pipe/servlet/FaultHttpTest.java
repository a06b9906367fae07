package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.assertTransferWorks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Clients that vanish at every stage of an exchange, with a FIN or killed without one (SO_LINGER 0), many at once:
 * afterwards the registry holds no pipe, every pooled chunk is back exactly once ({@link TestServer#close}), and a
 * new pipe works. Bounded: a fixed number of clients, each step waiting at most {@link TestServer#LONG_WAIT}.
 */
class FaultHttpTest {

    private static final int ROUNDS = 20;          // per stage and way of leaving
    private static final int THREADS = 8;
    private static final byte[] BLOCK = new byte[16 * 1024];

    /** Where a client is when it goes. */
    enum Stage { MID_HEADERS, SENDER_MID_BODY_WAITING, SENDER_MID_BODY_STREAMING, RECEIVER_MID_RESPONSE,
        RECEIVER_WAITING }

    @Test
    void twoHundredVanishingClientsLeaveNoPipeNoBufferAndANewPipeWorks() throws Exception {
        // a chunk larger than what a waiting sender sends before it goes: it is read, so its going is seen at once
        try (TestServer server = TestServer.start(PipeConfig.defaults().withChunkSize(4 * BLOCK.length))) {
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            AtomicInteger paths = new AtomicInteger();
            AtomicInteger clients = new AtomicInteger();
            List<Future<?>> work = new ArrayList<>();
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    for (Stage stage : Stage.values()) {
                        for (boolean reset : new boolean[] {false, true}) {
                            String path = "fault-" + paths.incrementAndGet();
                            work.add(threads.submit(() -> {
                                vanish(server, stage, reset, path);
                                clients.incrementAndGet();
                                return null;
                            }));
                        }
                    }
                }
                for (Future<?> future : work) {
                    future.get(TestServer.LONG_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertEquals(ROUNDS * Stage.values().length * 2, clients.get());
            assertTrue(server.registry().awaitEmpty(TestServer.LONG_WAIT),
                    "pipes left after the clients vanished: " + server.registry());
            assertTransferWorks(server, "after-the-faults", 2);
        }
    }

    private static void vanish(TestServer server, Stage stage, boolean reset, String path) throws Exception {
        switch (stage) {
            case MID_HEADERS -> {
                RawHttp client = RawHttp.connect(server);
                client.write(("GET " + TestServer.PREFIX + "/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
                        .getBytes(StandardCharsets.ISO_8859_1));
                leave(client, reset);
            }
            case SENDER_MID_BODY_WAITING -> {
                RawHttp sender = RawHttp.connect(server);
                sender.request("PUT", TestServer.PREFIX + "/" + path, "Content-Length: 1000000");
                // less than the server reads ahead of a waiting sender (PlainBody.EARLY): its going is seen at once
                sender.write(BLOCK, 0, Math.min(BLOCK.length, PlainBody.EARLY / 2));
                server.awaitSender(path);
                leave(sender, reset);
                server.awaitGone(path);
            }
            case SENDER_MID_BODY_STREAMING -> {
                RawHttp receiver = RawHttp.get(server, path);
                server.awaitReceivers(path, 1);
                RawHttp sender = RawHttp.putChunked(server, path);
                sender.chunk(BLOCK);
                assertEquals(200, receiver.head().status());
                leave(sender, reset);
                server.awaitGone(path);
                try {
                    receiver.body().drainInto(null);
                } catch (IOException expected) {
                    // a reset: an error as well
                } finally {
                    receiver.close();
                }
                assertFalse(receiver.body().complete(), "a cut-off stream must not look complete");
            }
            case RECEIVER_MID_RESPONSE -> {
                RawHttp receiver = RawHttp.get(server, path);
                server.awaitReceivers(path, 1);
                RawHttp sender = RawHttp.putChunked(server, path);
                sender.chunk(BLOCK);
                assertEquals(200, receiver.head().status());
                leave(receiver, reset);
                // the server watches the receiver's connection: its going ends the pipe (n = 1) at once
                server.awaitGone(path);
                sender.close();
            }
            case RECEIVER_WAITING -> {
                RawHttp receiver = RawHttp.get(server, path);
                server.awaitReceivers(path, 1);
                leave(receiver, reset);
                server.awaitGone(path);
            }
        }
    }

    /**
     * A waiting sender that goes while more than a chunk of its body is still unread is not seen to go at once (the
     * server reads one chunk ahead, and a FIN or a reset waits behind the unread bytes): its pipe is gone, at the
     * latest, when its join window ends (PROTOCOL.md section 10).
     */
    @Test
    void aWaitingSenderThatLeavesMoreThanAChunkUnreadIsGoneByTheEndOfTheJoinWindowAtTheLatest() throws Exception {
        PipeConfig config = PipeConfig.defaults().withChunkSize(BLOCK.length / 4).withJoinTimeout(
                java.time.Duration.ofSeconds(1));
        try (TestServer server = TestServer.start(config)) {
            for (boolean reset : new boolean[] {false, true}) {
                String path = "unread-" + reset;
                RawHttp sender = RawHttp.connect(server);
                sender.request("PUT", TestServer.PREFIX + "/" + path, "Content-Length: 1000000");
                sender.write(BLOCK, 0, BLOCK.length);
                server.awaitSender(path);
                leave(sender, reset);
                server.awaitGone(path);
                // EXPIRED when the going was behind unread bytes; ABANDONED when Jetty's own read-ahead saw it
                assertTrue(java.util.Set.of(dev.pipe.core.PipeState.EXPIRED, dev.pipe.core.PipeState.ABANDONED)
                        .contains(server.lastEnd(path)), String.valueOf(server.lastEnd(path)));
            }
            assertTrue(server.registry().awaitEmpty(TestServer.LONG_WAIT));
            assertTransferWorks(server, "after-the-unread", 1);
        }
    }

    private static void leave(RawHttp client, boolean reset) throws IOException {
        if (reset) {
            client.reset();
        } else {
            client.close();
        }
    }
}
