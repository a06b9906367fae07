package dev.pipe.servlet;

import static dev.pipe.servlet.HttpAsserts.RECEIVER_CONNECTED;
import static dev.pipe.servlet.HttpAsserts.assertCompleted;
import static dev.pipe.servlet.HttpAsserts.connected;
import static dev.pipe.servlet.HttpAsserts.started;
import static dev.pipe.servlet.HttpAsserts.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pipe.core.PipeState;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed story (PROTOCOL.md, introduction): an SRE replays an incident log at 50 KB/s to eight engineers at once,
 * and every one of them reads exactly the sender's bytes, as they are sent.
 */
@Timeout(90)
class ReplayStoryHttpTest {

    private static final int RECEIVERS = 8;
    private static final int RATE = 50_000; // bytes per second, as pv -L 50k
    /** About 2.5 s of log at 50 KB/s. */
    private static final byte[] LOG = TestData.logLines(20260504L, 125_000);

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    enum Arrival { RECEIVERS_FIRST, SENDER_FIRST }

    /** Eight receivers get exactly the rate-limited sender's bytes, line by line as sent, whoever comes first. */
    @ParameterizedTest
    @EnumSource(Arrival.class)
    void eightReceiversGetTheReplayAsItIsSent(Arrival arrival) throws Exception {
        String path = "replay-" + arrival.name().toLowerCase();
        TestData.PacedStream source = new TestData.PacedStream(LOG, RATE);
        HttpRequest put = HttpRequest.newBuilder(server.uri(path, RECEIVERS))
                .header("Content-Type", "text/plain")
                .PUT(BodyPublishers.ofInputStream(() -> source)).build();
        List<StreamingReceiver> receivers = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> sender;
        if (arrival == Arrival.RECEIVERS_FIRST) {
            for (int i = 0; i < RECEIVERS; i++) {
                receivers.add(StreamingReceiver.start(server, path, RECEIVERS, source::produced));
            }
            server.awaitReceivers(path, RECEIVERS);
            sender = server.client().sendAsync(put, BodyHandlers.ofString());
        } else {
            sender = server.client().sendAsync(put, BodyHandlers.ofString());
            server.awaitSender(path);
            for (int i = 0; i < RECEIVERS; i++) {
                receivers.add(StreamingReceiver.start(server, path, RECEIVERS, source::produced));
            }
        }

        byte[] expected = TestData.sha256(LOG);
        for (StreamingReceiver receiver : receivers) {
            StreamingReceiver.Result got = receiver.await().assertOk();
            assertEquals(List.of("text/plain"), got.headers().allValues("Content-Type"));
            assertArrayEquals(LOG, got.bytes(), "every receiver gets exactly the sender's bytes");
            assertArrayEquals(expected, got.sha256());
            // lockstep, loosely: the first line reaches every receiver while the sender is still sending
            System.out.printf("%s: first line arrived when the sender had produced %d of %d bytes%n",
                    arrival, got.probedAtFirstLine(), LOG.length);
            assertTrue(got.probedAtFirstLine() > 0 && got.probedAtFirstLine() < LOG.length,
                    "the first line must arrive while the sender is still sending, not at the end: the sender had "
                            + got.probedAtFirstLine() + " of " + LOG.length + " bytes out");
        }

        HttpResponse<String> progress = sender.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, progress.statusCode());
        assertEquals(List.of("text/plain"), progress.headers().allValues("Content-Type"));
        if (arrival == Arrival.RECEIVERS_FIRST) {
            assertCompleted(progress.body(), RECEIVERS, waiting(RECEIVERS), connected(RECEIVERS), started(RECEIVERS));
        } else {
            String[] head = new String[RECEIVERS + 2];
            head[0] = waiting(RECEIVERS);
            for (int i = 1; i <= RECEIVERS; i++) {
                head[i] = RECEIVER_CONNECTED;
            }
            head[RECEIVERS + 1] = started(RECEIVERS);
            assertCompleted(progress.body(), RECEIVERS, head);
        }
        server.awaitGone(path);
        assertEquals(PipeState.COMPLETED, server.lastEnd(path));
    }

    /** The README's lines, run as they are: {@code cat | pv -L 50k | curl -T -} and three plain {@code curl}s. */
    @Test
    void curlAndPvAsTheReadmeShowsThem(@TempDir Path dir) throws Exception {
        int n = 3;
        String path = "replay-curl";
        String url = server.uri(path, n).toString();
        Path log = dir.resolve("incident.log");
        Files.write(log, TestData.logLines(42L, 100_000));
        List<Process> processes = new ArrayList<>();
        try {
            List<Path> outputs = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Path output = dir.resolve("reader-" + i + ".log");
                outputs.add(output);
                processes.add(new ProcessBuilder("curl", "-sS", url)
                        .redirectOutput(output.toFile())
                        .redirectError(dir.resolve("reader-" + i + ".err").toFile())
                        .start());
            }
            server.awaitReceivers(path, n);
            ProcessBuilder senderCommand = new ProcessBuilder("bash", "-c",
                    "set -o pipefail; cat \"$FILE\" | pv -q -L 50k | curl -sS -T - \"$URL\"")
                    .redirectOutput(dir.resolve("sender.out").toFile())
                    .redirectError(dir.resolve("sender.err").toFile());
            senderCommand.environment().put("FILE", log.toString());
            senderCommand.environment().put("URL", url);
            Process sender = senderCommand.start();
            processes.add(sender);

            assertEquals(0, exitCode(sender, "sender", dir.resolve("sender.err")));
            for (int i = 0; i < n; i++) {
                assertEquals(0, exitCode(processes.get(i), "reader " + (i + 1),
                        dir.resolve("reader-" + (i + 1) + ".err")));
                assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(outputs.get(i)),
                        "reader " + (i + 1) + " got the file");
            }
            String progress = Files.readString(dir.resolve("sender.out"), StandardCharsets.UTF_8);
            assertCompleted(progress, n, waiting(n), connected(n), started(n));
            server.awaitGone(path);
            assertEquals(PipeState.COMPLETED, server.lastEnd(path));
        } finally {
            for (Process process : processes) {
                process.destroyForcibly();
            }
        }
    }

    private static int exitCode(Process process, String name, Path stderr) throws Exception {
        if (!process.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(name + " did not exit within " + TestServer.LONG_WAIT + "; stderr: " + read(stderr));
        }
        int code = process.exitValue();
        if (code != 0) {
            fail(name + " exited with " + code + "; stderr: " + read(stderr));
        }
        return code;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException x) {
            return "(unreadable: " + x + ")";
        }
    }
}
