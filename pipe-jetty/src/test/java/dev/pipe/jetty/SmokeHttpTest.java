package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SmokeHttpTest {

    @Test
    void oneReceiverGetsTheBytes() throws Exception {
        try (TestServer server = TestServer.start()) {
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
            assertTrue(sender.body().contains("[INFO] 1 receiver(s) has/have been connected."), sender.body());
            assertTrue(sender.body().endsWith("[INFO] All receiver(s) was/were received successfully.\n")
                    || sender.body().contains("Done:"), sender.body());
        }
    }
}
