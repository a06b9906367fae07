package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.access.AccessPolicy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The servlet on every container it is to run on: the same rules over real sockets, whatever the container. */
@Timeout(120)
class ContainerHttpTest {

    @ParameterizedTest
    @EnumSource(Containers.class)
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
            assertArrayEquals(body, got.body());
            assertEquals(200, sender.statusCode());
            assertTrue(sender.body().contains("[INFO] All receiver(s) was/were received successfully.\n"),
                    sender.body());
        }
    }
}
