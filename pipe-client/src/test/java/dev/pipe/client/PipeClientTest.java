package dev.pipe.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.access.TokenFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against this project's server, in-process, over real sockets. */
@Timeout(60)
class PipeClientTest {

    private final TestPipeServer server;
    private final PipeClient client;

    @TempDir
    Path dir;

    PipeClientTest() throws Exception {
        server = TestPipeServer.start();
        client = PipeClient.builder(server.pipes()).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aFileReachesTwoReceiversWithItsNameAndTheSenderHearsEachStepAsAnEvent() throws Exception {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Path file = Files.write(dir.resolve("cascade.log"), bytes);
        List<SendEvent> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<SendResult> sent = client.sendAsync("incidents/today", 2, Upload.of(file), events::add);

        List<CompletableFuture<byte[]>> receivers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            // each receive returns once the pipe is established: the two wait for each other on their own threads
            receivers.add(CompletableFuture.supplyAsync(() -> {
                try (Received received = client.receive("incidents/today", 2)) {
                    assertEquals("cascade.log", received.fileName().orElseThrow());
                    return readAll(received.body());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (CompletableFuture<byte[]> receiver : receivers) {
            assertArrayEquals(bytes, receiver.get(30, TimeUnit.SECONDS));
        }
        SendResult result = sent.get(30, TimeUnit.SECONDS);
        assertEquals(300_000, result.bytesSent());
        assertEquals(2, result.summary().receivers());
        assertInstanceOf(SendEvent.Waiting.class, events.get(0));
        assertTrue(events.stream().anyMatch(e -> e instanceof SendEvent.Started s && s.receivers() == 2), events::toString);
        assertTrue(events.stream().anyMatch(e -> e instanceof SendEvent.AllReceived), events::toString);
        assertInstanceOf(SendEvent.Done.class, events.get(events.size() - 1));
    }

    @Test
    void aStreamAndAPublisherAreSentChunkedWithTheirContentType() throws Exception {
        CompletableFuture<SendResult> sent = client.sendAsync("a", 1,
                Upload.of(InputStream.nullInputStream()).contentType("text/x-log"), e -> { });
        try (Received received = client.receive("a", 1)) {
            assertEquals("text/x-log", received.contentType().orElseThrow());
            assertEquals(0, received.body().readAllBytes().length);
        }
        assertEquals(0, sent.get(30, TimeUnit.SECONDS).bytesSent());

        StringBuilder expected = new StringBuilder();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String line = "line " + i + "\n";
            expected.append(line);
            buffers.add(ByteBuffer.wrap(line.getBytes()));
        }
        CompletableFuture<SendResult> published = client.sendAsync("b", 1, Upload.of(new ListPublisher(buffers)),
                e -> { });
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
            try (Received received = client.receive("b", 1)) {
                return readAll(received.body());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(expected.toString(), new String(got.get(30, TimeUnit.SECONDS)));
        assertEquals(expected.length(), published.get(30, TimeUnit.SECONDS).bytesSent());
    }

    @Test
    void aRefusalCarriesItsStatusAndTheServersLine() throws Exception {
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        client.sendAsync("mismatch", 2, Upload.of(InputStream.nullInputStream()), e -> {
            if (e instanceof SendEvent.Waiting) {
                waiting.complete(null);
            }
        });
        waiting.get(30, TimeUnit.SECONDS);
        PipeClientException refused = assertThrows(PipeClientException.class, () -> client.receive("mismatch", 3));
        assertEquals(400, refused.status());
        assertEquals("The number of receivers should be 2 but 3.", refused.serverMessage());
    }

    @Test
    void withoutItsTokenTheServerSays401AndWithItTheTransferGoesThrough() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "sre send /\nteam receive /\n");
        try (TestPipeServer guarded = TestPipeServer.start(PipeConfig.defaults(), TokenFile.load(tokens))) {
            PipeClient anonymous = PipeClient.builder(guarded.pipes()).build();
            PipeClientException refused = assertThrows(PipeClientException.class,
                    () -> anonymous.send("x", 1, Upload.of(InputStream.nullInputStream()), e -> { }));
            assertEquals(401, refused.status());
            assertEquals("This server wants a token: send it as 'Authorization: Bearer TOKEN'.", refused.serverMessage());
            assertEquals(403, assertThrows(PipeClientException.class,
                    () -> PipeClient.builder(guarded.pipes()).token("sre").build().receive("x", 1)).status());

            CompletableFuture<SendResult> sent = PipeClient.builder(guarded.pipes()).token("sre").build()
                    .sendAsync("x", 1, Upload.of(new java.io.ByteArrayInputStream("ok\n".getBytes())), e -> { });
            try (Received received = PipeClient.builder(guarded.pipes()).token("team").build().receive("x", 1)) {
                assertEquals("ok\n", new String(received.body().readAllBytes()));
            }
            assertEquals(3, sent.get(30, TimeUnit.SECONDS).bytesSent());
        }
    }

    @Test
    void aSenderWhoseSourceFailsCutsTheReceiverOffAndBothSideThrow() throws Exception {
        InputStream failing = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw new IOException("disk gone");
                }
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
        };
        CompletableFuture<SendResult> sent = client.sendAsync("cut", 1, Upload.of(failing), e -> { });
        try (Received received = client.receive("cut", 1)) {
            IOException cut = assertThrows(IOException.class, () -> received.body().readAllBytes());
            assertFalse(cut instanceof PipeClientException, cut.toString());
        }
        ExecutionException failed = assertThrows(ExecutionException.class, () -> sent.get(30, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("disk gone"), failed.getCause().toString());
    }

    @Test
    void receivingToAFileWritesItWholeOrNotAtAll() throws Exception {
        CompletableFuture<SendResult> sent = client.sendAsync("f", 1,
                Upload.of(new java.io.ByteArrayInputStream("whole\n".getBytes())), e -> { });
        Path out = dir.resolve("out.log");
        assertEquals(6, client.receive("f", 1, out));
        assertEquals("whole\n", Files.readString(out));
        sent.get(30, TimeUnit.SECONDS);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(out), files.filter(p -> !p.equals(dir.resolve("tokens"))).toList(),
                    "no partial file left");
        }
    }

    /** Publishes its buffers as they are asked for, then completes. */
    private static final class ListPublisher implements Flow.Publisher<ByteBuffer> {
        private final List<ByteBuffer> buffers;

        ListPublisher(List<ByteBuffer> buffers) {
            this.buffers = buffers;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private int next;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && next < buffers.size(); i++) {
                        subscriber.onNext(buffers.get(next++));
                    }
                    if (next == buffers.size()) {
                        next++;
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                }
            });
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
