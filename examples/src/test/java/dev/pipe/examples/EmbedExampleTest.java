package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ops-portal case: pipes mounted beside an application's own servlets, gated by the portal's own sign-in. */
@Timeout(60)
class EmbedExampleTest {

    @Test
    void pipesLiveBesideThePortalsOwnServlets() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Server server = EmbedExample.portal(0, meters);
        server.start();
        try {
            String base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("ops portal: all systems nominal\n", status.body());

            String alice = signIn(client, base, "alice");
            String oncall = signIn(client, base, "oncall");

            // nobody signed in: 401; alice may watch the team's pipe but not send to it
            assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(base + "/ops/pipe/team/deploy-log"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(403, client.send(HttpRequest.newBuilder(URI.create(base + "/ops/pipe/team/deploy-log"))
                    .header("Cookie", alice).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(403, client.send(HttpRequest.newBuilder(URI.create(base + "/ops/pipe/users/oncall/notes"))
                    .header("Cookie", alice).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/ops/pipe/team/deploy-log?n=1")).header("Cookie", alice)
                            .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(URI.create(base
                            + "/ops/pipe/team/deploy-log")).header("Cookie", oncall)
                    .PUT(HttpRequest.BodyPublishers.ofString("deploy 42 started\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sender.statusCode(), sender.body());
            assertEquals("deploy 42 started\n", receiver.get(30, TimeUnit.SECONDS).body());

            // her own pipes: alice to herself
            CompletableFuture<HttpResponse<String>> own = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/ops/pipe/users/alice/scratch")).header("Cookie", alice)
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/ops/pipe/users/alice/scratch"))
                    .header("Cookie", alice).PUT(HttpRequest.BodyPublishers.ofString("mine\n")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals("mine\n", own.get(30, TimeUnit.SECONDS).body());

            // the pipes' meters are in the portal's registry: two transfers, their bytes to one receiver each
            assertEquals(2.0, meters.get("pipe.transfers").tag("outcome", "completed").counter().count());
            assertEquals(("deploy 42 started\n" + "mine\n").length(),
                    meters.get("pipe.bytes.delivered").counter().count());
            assertEquals(3.0, meters.get("pipe.refusals").tag("status", "401").counter().count()
                    + meters.get("pipe.refusals").tag("status", "403").counter().count());
        } finally {
            server.stop();
        }
    }

    /** Signs {@code user} in; returns the Cookie header that carries the session. */
    private static String signIn(HttpClient client, String base, String user) throws Exception {
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base + "/login?user=" + user))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }
}
