package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ops-portal case: pipes mounted beside an application's own servlets, both served. */
@Timeout(60)
class EmbedExampleTest {

    @Test
    void pipesLiveBesideThePortalsOwnServlets() throws Exception {
        Server server = EmbedExample.portal(0);
        server.start();
        try {
            String base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("ops portal: all systems nominal\n", status.body());

            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/ops/pipe/deploy-log?n=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(URI.create(base + "/ops/pipe/deploy-log"))
                    .PUT(HttpRequest.BodyPublishers.ofString("deploy 42 started\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sender.statusCode());
            assertEquals("deploy 42 started\n", receiver.get(30, TimeUnit.SECONDS).body());
        } finally {
            server.stop();
        }
    }
}
