package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender's exit status tells the truth, with the real curl: {@code curl -T file URL && rm file} keeps the file
 * unless every receiver got every byte. A transfer that did not reach everyone ends the sender's response with an
 * [ERROR] line saying what happened and then cuts it off, so curl shows the line and exits 18. Before, curl exited 0
 * after the [ERROR] line, as it does with piping-server.
 */
class SenderExitStatusHttpTest {

    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aSenderWhoseReceiverNeverCameKeepsItsFile(@TempDir Path dir) throws Exception {
        server = TestServer.start(PipeConfig.defaults().withJoinTimeout(Duration.ofSeconds(1)));
        Path file = write(dir, 100_000);
        Curl curl = Curl.run("bash", "-c", "curl -sS -T \"$0\" \"$1\" && rm \"$0\"", file.toString(),
                server.uri("nobody").toString());

        assertEquals(18, curl.exit(), curl.output());
        assertTrue(curl.output().contains("[ERROR] The pipe was not established within 1s: 1 of 1 receiver(s) did not"
                + " come.\n"), curl.output());
        assertTrue(Files.exists(file), "curl -T file URL && rm file keeps a file that nobody got");
    }

    @Test
    void aSenderOfWhoseTwoReceiversOneLeftExitsNonZeroAndSaysSo(@TempDir Path dir) throws Exception {
        server = TestServer.start();
        Path file = write(dir, 8 * 1024 * 1024);
        StreamingReceiver stays = StreamingReceiver.start(server, "half", 2, true);
        try (RawHttp leaves = RawHttp.get(server, "half?n=2")) {
            server.awaitReceivers("half", 2);
            CompletableFuture<Curl> sender = CompletableFuture.supplyAsync(() -> Curl.run("curl", "-sS", "-T",
                    file.toString(), server.uri("half", 2).toString()));
            assertEquals(200, leaves.head().status());
            leaves.body().read(new byte[1024]);
            leaves.close(); // hangs up after its first bytes

            Curl curl = sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(18, curl.exit(), curl.output());
            assertTrue(curl.output().contains("[ERROR] 1 of 2 receivers got every byte; 1 left at "),
                    curl.output());
        }
        assertEquals(Files.size(file), stays.await().assertOk().count(), "the receiver that stayed got every byte");
        server.awaitGone("half");
        assertEquals(PipeState.COMPLETED, server.lastEnd("half"));
    }

    @Test
    void anHttp10SenderIsCutShortOfItsContentLength(@TempDir Path dir) throws Exception {
        server = TestServer.start(PipeConfig.defaults().withJoinTimeout(Duration.ofSeconds(1)));
        Path file = write(dir, 1000);
        Curl curl = Curl.run("curl", "-sS", "-0", "-T", file.toString(), server.uri("old").toString());

        assertEquals(18, curl.exit(), curl.output());
        assertTrue(curl.output().contains("[ERROR] The pipe was not established within 1s"), curl.output());
        assertTrue(curl.output().contains("1 bytes remaining to read"), curl.output());
    }

    @Test
    void aSenderWhoseEveryReceiverGotEveryByteExitsZero(@TempDir Path dir) throws Exception {
        server = TestServer.start();
        Path file = write(dir, 100_000);
        StreamingReceiver one = StreamingReceiver.start(server, "all", 2, true);
        StreamingReceiver two = StreamingReceiver.start(server, "all", 2, true);
        server.awaitReceivers("all", 2);
        Curl curl = Curl.run("curl", "-sS", "-T", file.toString(), server.uri("all", 2).toString());

        assertEquals(0, curl.exit(), curl.output());
        assertTrue(curl.output().contains("[INFO] All receiver(s) was/were received successfully.\n"), curl.output());
        assertEquals(Files.size(file), one.await().assertOk().count());
        assertEquals(Files.size(file), two.await().assertOk().count());
    }

    private static Path write(Path dir, int size) throws IOException {
        Path file = dir.resolve("backup.tar");
        Files.write(file, TestData.logLines(3, size));
        return file;
    }

    /** A curl run to its end (bounded): its exit status and what it printed, stdout and stderr together. */
    record Curl(int exit, String output) {
        static Curl run(String... command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = process.getInputStream()) {
                        return in.readAllBytes();
                    } catch (IOException x) {
                        return x.toString().getBytes(StandardCharsets.UTF_8);
                    }
                });
                if (!process.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("curl did not end: " + String.join(" ", command));
                }
                return new Curl(process.exitValue(), new String(output.get(10, TimeUnit.SECONDS),
                        StandardCharsets.UTF_8));
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        }
    }
}
