package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A waiting sender that leaves (ctrl-C) frees its path: at once when its whole body fits what the server reads
 * ahead while a pipe waits (64 KiB), within 10 s whatever its size, since a sender whose body is no longer read hears
 * who is missing every few seconds and a write to a departed client fails. Before, a sender of 16 KiB or more held
 * its path for about 40 s, and the same command run again was told another sender was connected. Driven with the
 * real curl and pv, as a user runs them.
 */
class WaitingSenderHttpTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(2);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1024, 16 * 1024, 64 * 1024})
    void aSenderWhoseBodyFitsTheReadAheadIsNoticedAtOnce(int size, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("body");
        Files.write(file, java.util.Arrays.copyOf(TestData.logLines(size, size), size)); // exactly size bytes
        String path = "small-" + size;
        assertFreedWithin(AT_ONCE, path, new ProcessBuilder("curl", "-sSN", "-T", file.toString(),
                server.uri(path).toString()));
    }

    @Test
    void aSenderOfOneMebibyteIsNoticedWithinTenSeconds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("body");
        Files.write(file, TestData.logLines(7, 1024 * 1024));
        assertFreedWithin(WITHIN, "large", new ProcessBuilder("curl", "-sSN", "-T", file.toString(),
                server.uri("large").toString()));
    }

    @Test
    void theReadmesPacedReplayIsNoticedWithinTenSeconds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("incident.log");
        Files.write(file, TestData.logLines(9, 2 * 1024 * 1024));
        ProcessBuilder replay = new ProcessBuilder("bash", "-c",
                "set -o pipefail; cat \"$FILE\" | pv -q -L 50k | curl -sSN -T - \"$URL\"");
        replay.environment().put("FILE", file.toString());
        replay.environment().put("URL", server.uri("paced").toString());
        assertFreedWithin(WITHIN, "paced", replay);
    }

    /**
     * Starts the sender, waits for its first line (it waits for its receiver), kills it as ctrl-C would, and asserts
     * that the pipe is gone within {@code bound} and that the same path then takes a new sender.
     */
    private void assertFreedWithin(Duration bound, String path, ProcessBuilder command) throws Exception {
        Process sender = command.redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(sender.getInputStream(), StandardCharsets.UTF_8))) {
            // bounded: a sender that never says a word fails the test rather than hanging it
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return lines.readLine();
                } catch (java.io.IOException x) {
                    return x.toString();
                }
            }).get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("[INFO] Waiting for 1 receiver(s)...", first);
            server.awaitSender(path);
            long killed = System.nanoTime();
            sender.toHandle().descendants().forEach(ProcessHandle::destroy);
            sender.destroy();
            assertTrue(sender.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the sender stopped");
            server.awaitGone(path);
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            assertEquals(PipeState.ABANDONED, server.lastEnd(path));
            assertTrue(took.compareTo(bound) <= 0, "the path was held for " + took.toMillis() + " ms after the"
                    + " sender left; at most " + bound.toMillis() + " ms");
        } finally {
            sender.destroyForcibly();
        }
        try (RawHttp again = RawHttp.putChunked(server, path)) {
            assertEquals(200, again.head().status(), "the same path takes a new sender");
            ProgressLines progress = ProgressLines.read(again.body(), path);
            progress.await("[INFO] Waiting for 1 receiver(s)...", 1);
        }
    }
}
