package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.access.AccessPolicy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The servlet on every container it is to run on: the same rules over real sockets, whatever the container. */
@Timeout(120)
class ContainerHttpTest {

    @ParameterizedTest
    @MethodSource("dev.pipe.servlet.Containers#underTest")
    void aReceiverGetsTheSendersBytes(Containers container) throws Exception {
        try (TestServer server = TestServer.start(container, PipeConfig.defaults(), AccessPolicy.OPEN)) {
            CompletableFuture<HttpResponse<byte[]>> receiver = server.client().sendAsync(
                    HttpRequest.newBuilder(server.uri("smoke")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            server.awaitReceivers("smoke", 1);
            byte[] body = "hello, pipe\n".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> sender = server.client().send(HttpRequest.newBuilder(server.uri("smoke"))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<byte[]> got = receiver.get(30, TimeUnit.SECONDS);
            assertEquals(200, got.statusCode());
            assertEquals(container.clientVersion(), got.version(), "the receiver spoke the version asked for");
            assertArrayEquals(body, got.body());
            assertEquals(200, sender.statusCode());
            assertTrue(sender.body().contains("[INFO] 1 receiver(s) has/have been connected."), sender.body());
            assertTrue(sender.body().contains("[INFO] All receiver(s) was/were received successfully.\n"),
                    sender.body());
        }
    }

    /**
     * Back to back on one path: each sender comes the moment the receiver has its whole response before, and the
     * receiver asks again at once; the path is free by then (it is given back when the sender's stream ends), so no
     * one is refused with "established already".
     */
    @ParameterizedTest
    @MethodSource("dev.pipe.servlet.Containers#underTest")
    void aReceiverWithItsWholeResponseMayComeBackAtOnce(Containers container) throws Exception {
        try (TestServer server = TestServer.start(container, PipeConfig.defaults(), AccessPolicy.OPEN)) {
            List<CompletableFuture<HttpResponse<String>>> senders = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                byte[] body = ("transfer " + i + "\n").getBytes(StandardCharsets.UTF_8);
                CompletableFuture<HttpResponse<String>> sender = server.client().sendAsync(HttpRequest.newBuilder(
                        server.uri("again")).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                senders.add(sender);
                CompletableFuture<HttpResponse<byte[]>> receiver = server.client().sendAsync(HttpRequest.newBuilder(
                        server.uri("again")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                CompletableFuture.anyOf(sender, receiver).get(30, TimeUnit.SECONDS);
                if (sender.isDone() && !receiver.isDone()) {
                    assertEquals(200, sender.get().statusCode(), "transfer " + i + ": " + sender.get().body());
                }
                HttpResponse<byte[]> got = receiver.get(30, TimeUnit.SECONDS);
                assertEquals(200, got.statusCode(), "transfer " + i + ": " + new String(got.body(),
                        StandardCharsets.UTF_8));
                assertArrayEquals(body, got.body(), "transfer " + i);
            }
            for (CompletableFuture<HttpResponse<String>> sender : senders) {
                HttpResponse<String> progress = sender.get(30, TimeUnit.SECONDS);
                assertEquals(200, progress.statusCode(), progress.body());
                assertTrue(progress.body().contains("[INFO] All receiver(s) was/were received successfully.\n"),
                        progress.body());
            }
        }
    }

    /** Three receivers and a sender, the sender arriving first, second, third or last: every receiver gets it all. */
    @ParameterizedTest(name = "{0}, {1} receiver(s) before the sender")
    @MethodSource("arrivals")
    void threeReceiversInEveryArrivalOrderGetEveryByte(Containers container, int before) throws Exception {
        try (TestServer server = TestServer.start(container, PipeConfig.defaults(), AccessPolicy.OPEN)) {
            String path = "three-" + before;
            byte[] body = TestData.logLines(5, 300_000);
            List<StreamingReceiver> receivers = new ArrayList<>();
            for (int i = 0; i < before; i++) {
                receivers.add(StreamingReceiver.start(server, path, 3, true));
                server.awaitReceivers(path, i + 1);
            }
            CompletableFuture<HttpResponse<String>> sender = server.client().sendAsync(HttpRequest.newBuilder(
                    server.uri(path, 3)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (before < 3) {
                // the receivers after the sender come once it has joined; with all three there first, the pipe may
                // start and end before a wait for the sender's join could see it
                server.awaitSender(path);
            }
            for (int i = before; i < 3; i++) {
                receivers.add(StreamingReceiver.start(server, path, 3, true));
            }
            HttpResponse<String> progress = sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(progress.body().contains("[INFO] All receiver(s) was/were received successfully.\n"),
                    progress.body());
            for (StreamingReceiver receiver : receivers) {
                assertArrayEquals(body, receiver.await().assertOk().bytes());
            }
        }
    }

    static Stream<Arguments> arrivals() {
        return Containers.underTest().stream().flatMap(container -> IntStream
                .rangeClosed(0, 3).mapToObj(before -> Arguments.of(container,
                        before)));
    }
}
