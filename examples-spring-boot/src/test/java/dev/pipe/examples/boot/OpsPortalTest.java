package dev.pipe.examples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The seed's story through the portal, with the real curl and pv: eight engineers wait on the replay pipe, the SRE
 * replays the incident log at 50 KB/s, and every one of them gets every byte; the portal's own endpoint answers
 * beside the pipes. The portal runs on Spring Boot's Tomcat with no Jetty class on its class path.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120)
class OpsPortalTest {

    private static final Path LOG = Path.of("..", "examples", "replay", "incident-2026-05-04.log");

    @LocalServerPort
    int port;

    @Autowired
    ServletWebServerApplicationContext context;

    /** The portal's Tomcat keeps a paused pipe for the pipe's idle timeout, not its own 20 s (application.properties). */
    @Test
    void tomcatsConnectionTimeoutIsThePipesIdleTimeout() {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        assertEquals(3_600_000, connector.getProperty("connectionTimeout"));
        assertEquals(20_000, connector.getProperty("keepAliveTimeout"));
    }

    @Test
    void theReplayReachesEightEngineersThroughThePortal(@TempDir Path dir) throws Exception {
        String pipe = "http://127.0.0.1:" + port + "/ops/pipe/replay?n=8";
        assertEquals("ok\n", run("curl", "-sS", "http://127.0.0.1:" + port + "/status").output());
        List<CompletableFuture<Run>> engineers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Path out = dir.resolve("engineer-" + i + ".log");
            engineers.add(CompletableFuture.supplyAsync(() -> run("curl", "-sS", "-o", out.toString(), pipe)));
        }
        Run sre = run("bash", "-c", "set -o pipefail; pv -q -L 50k < \"$0\" | curl -sS -T - \"$1\"",
                LOG.toString(), pipe);
        assertEquals(0, sre.exit(), sre.output());
        assertTrue(sre.output().contains("[INFO] All receiver(s) was/were received successfully."), sre.output());
        byte[] log = Files.readAllBytes(LOG);
        for (int i = 0; i < 8; i++) {
            Run engineer = engineers.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(0, engineer.exit(), engineer.output());
            assertEquals(new String(log, StandardCharsets.UTF_8),
                    Files.readString(dir.resolve("engineer-" + i + ".log"), StandardCharsets.UTF_8));
        }
        assertTrue(Class.forName("org.apache.catalina.startup.Tomcat") != null);
        assertFalseJettyIsHere();
    }

    /**
     * A sender stopped mid-stream cuts its receiver off on Tomcat too: the receiver's curl exits 18, not 0. (The
     * sender's curl is killed, not its input: a curl whose input ends sends the body's end, a clean end.)
     */
    @Test
    void aReceiverOfASenderThatStopsSeesItsStreamCutOff(@TempDir Path dir) throws Exception {
        String pipe = "http://127.0.0.1:" + port + "/ops/pipe/cut";
        Path out = dir.resolve("received");
        CompletableFuture<Run> receiver = CompletableFuture.supplyAsync(() -> run("curl", "-sS", "-o", out.toString(),
                pipe));
        Process sender = new ProcessBuilder("bash", "-c", "cat /dev/zero | curl -sS -T - \"$0\"", pipe)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(out) || Files.size(out) == 0) {
            assertTrue(System.nanoTime() < deadline, "no byte reached the receiver");
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        sender.descendants().filter(p -> p.info().command().orElse("").endsWith("curl"))
                .forEach(ProcessHandle::destroyForcibly);
        Run got = receiver.get(60, TimeUnit.SECONDS);
        assertEquals(18, got.exit(), "the receiver's curl must see the cut: " + got.output());
        sender.descendants().forEach(ProcessHandle::destroyForcibly);
        sender.destroyForcibly();
    }

    private static void assertFalseJettyIsHere() {
        try {
            Class.forName("org.eclipse.jetty.server.Server");
            throw new AssertionError("Jetty is on the portal's class path");
        } catch (ClassNotFoundException absent) {
            // as it should be: the servlet needs no Jetty class on Tomcat
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = process.getInputStream()) {
                    return in.readAllBytes();
                } catch (IOException x) {
                    return x.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not end: " + String.join(" ", command));
            }
            return new Run(process.exitValue(), new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }
}
