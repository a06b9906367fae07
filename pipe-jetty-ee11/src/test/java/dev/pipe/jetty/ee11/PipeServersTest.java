package dev.pipe.jetty.ee11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.servlet.PipeServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pipe mounted with the ee11 helper works on Jetty 12.1's ee11 environment, beside the application's servlets. */
@Timeout(30)
class PipeServersTest {

    @Test
    void aPipeMountedOnAnEe11ContextCarriesItsBytes() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServers.mount(context, "/ops/pipe/", new PipeServlet());
        server.setHandler(context);
        server.start();
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI pipe = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/ops/pipe/deploy-log");
            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(HttpRequest.newBuilder(pipe).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(pipe)
                    .header("Content-Type", "text/plain; charset=UTF-8")
                    .PUT(HttpRequest.BodyPublishers.ofString("07:23:14 deploy started\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sender.statusCode());
            assertEquals("text/plain", sender.headers().firstValue("Content-Type").orElseThrow(),
                    "the progress is text/plain, with no charset added by ee11");
            assertTrue(sender.body().contains("[INFO] All receiver(s) was/were received successfully."),
                    sender.body());
            HttpResponse<String> got = receiver.get(10, TimeUnit.SECONDS);
            assertEquals("07:23:14 deploy started\n", got.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void aPrefixThatCannotBeAPathSpecIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PipeServers.mount(new ServletContextHandler("/"), "ops/*", new PipeServlet()));
    }
}
