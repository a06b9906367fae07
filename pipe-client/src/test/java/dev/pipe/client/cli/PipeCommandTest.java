package dev.pipe.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.client.TestPipeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pipe command against this project's server, in-process, and real curl receivers. */
@Timeout(90)
class PipeCommandTest {

    private final TestPipeServer server;

    @TempDir
    Path dir;

    PipeCommandTest() throws Exception {
        server = TestPipeServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** A command's run: its exit status, standard output and standard error. */
    record Run(int status, byte[] out, String err) {
    }

    private static Run run(Map<String, String> env, InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new PipeCommand(env, in, out, new PrintStream(err, true, StandardCharsets.UTF_8), Clock.SYSTEM,
                false).run(args);
        return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(String... args) {
        return run(Map.of(), InputStream.nullInputStream(), args);
    }

    @Test
    void sendAndReceiveMoveAFileAndSayWhatHappened() throws Exception {
        String url = server.pipes() + "/team/notes?n=2";
        byte[] bytes = "07:23:14 the primary fell behind\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("notes.log"), bytes);
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> run("receive", url));
        Path second = dir.resolve("second.log");
        CompletableFuture<Run> other = CompletableFuture.supplyAsync(() -> run("receive", url, "-o", second.toString()));
        Run sent = run("send", url, file.toString());

        assertEquals(0, sent.status(), sent.err());
        assertTrue(sent.err().contains("[INFO] Start sending to 2 receiver(s)!"), sent.err());
        assertTrue(sent.err().contains("pipe: sent " + bytes.length + " bytes to 2 receiver(s)"), sent.err());
        Run received = first.get(30, TimeUnit.SECONDS);
        assertEquals(0, received.status(), received.err());
        assertArrayEquals(bytes, received.out());
        assertEquals(0, other.get(30, TimeUnit.SECONDS).status());
        assertArrayEquals(bytes, Files.readAllBytes(second));
    }

    @Test
    void standardInputIsSentAndTheTokenComesFromTheEnvironment() throws Exception {
        String url = server.pipes() + "/stdin";
        CompletableFuture<Run> receiver = CompletableFuture.supplyAsync(() -> run("receive", url));
        Run sent = run(Map.of("PIPE_TOKEN", "ignored-by-an-open-server"), new ByteArrayInputStream("hi\n".getBytes()),
                "send", url, "-");
        assertEquals(0, sent.status(), sent.err());
        assertEquals("hi\n", new String(receiver.get(30, TimeUnit.SECONDS).out(), StandardCharsets.UTF_8));
    }

    @Test
    void aRefusalIsExitStatusOneWithTheServersLineAndTheTokenFileIsRead() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "sre send /\nteam receive /\n");
        try (TestPipeServer guarded = TestPipeServer.start(dev.pipe.core.PipeConfig.defaults(),
                dev.pipe.core.access.TokenFile.load(tokens))) {
            String url = guarded.pipes() + "/incidents";
            Run refused = run("send", url, "-");
            assertEquals(1, refused.status());
            assertEquals("pipe: HTTP 401: This server wants a token: send it as 'Authorization: Bearer TOKEN'.\n",
                    refused.err());
            Path team = Files.writeString(dir.resolve("team-token"), "team\n");
            CompletableFuture<Run> receiver = CompletableFuture.supplyAsync(
                    () -> run("receive", url, "--token-file", team.toString()));
            Run sent = run(Map.of("PIPE_TOKEN", "sre"), new ByteArrayInputStream("x\n".getBytes()), "send", url);
            assertEquals(0, sent.status(), sent.err());
            assertEquals("x\n", new String(receiver.get(30, TimeUnit.SECONDS).out(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReceiverWhoseStreamIsCutOffExitsOneAndSaysSo() throws Exception {
        String url = server.pipes() + "/cut";
        InputStream failing = new InputStream() {
            private int left = 50_000;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (left == 0) {
                    throw new java.io.IOException("the sender's disk is gone");
                }
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
        };
        CompletableFuture<Void> joined = new CompletableFuture<>();
        server.servlet().registry().observe(new dev.pipe.core.PipeObserver() {
            @Override
            public void onJoin(dev.pipe.core.PipeKey key, Party party, int receivers, int expected) {
                joined.complete(null);
            }
        });
        CompletableFuture<Run> receiver = CompletableFuture.supplyAsync(() -> run("receive", url));
        joined.get(30, TimeUnit.SECONDS); // the receiver waits: the sender's failure reaches it, not an empty pipe
        Run sent = run(Map.of(), failing, "send", url, "-");
        assertEquals(1, sent.status(), sent.err());
        Run received = receiver.get(30, TimeUnit.SECONDS);
        assertEquals(1, received.status(), received.err());
        assertTrue(received.err().startsWith("pipe: the stream was cut off before its end"), received.err());
    }

    @Test
    void badUsageIsExitStatusTwoWithOneLine() {
        String url = server.pipes() + "/x";
        for (String[] args : new String[][] {{"send"}, {"receive", "not a url"}, {"receive", url, "--n", "0"},
                {"send", url, "--rate", "fast"}, {"replay", dir.resolve("missing.log").toString(), url},
                {"fly", url}, {"send", url, "--nope", "1"}, {"receive", url, "-o"}}) {
            Run run = run(args);
            assertEquals(2, run.status(), String.join(" ", args));
            assertTrue(run.err().startsWith("pipe: ") && run.err().endsWith("(see --help)\n")
                    && run.err().lines().count() == 1, run.err());
        }
        assertEquals(0, run("--help").status());
        assertTrue(new String(run("--version").out(), StandardCharsets.UTF_8).startsWith("pipe "));
    }

    /**
     * A 4-second log replayed at --speed 2 to three curl receivers: every byte arrives, and each receiver's first and
     * last bytes are 2 s apart, within 0.3 s.
     */
    @Test
    void aFourSecondLogReplayedAtSpeedTwoTakesTwoSecondsAtEachReceiver() throws Exception {
        String log = """
                07:23:14 WARN  db-primary replication lag 4s
                07:23:15 ERROR checkout 502 upstream timeout
                  at checkout.Client.call(Client.java:88)
                07:23:16 ERROR payments circuit open
                07:23:17 ERROR gateway 504 for 12% of requests
                07:23:18 INFO  failover to db-replica-2 complete
                """;
        Path file = Files.writeString(dir.resolve("incident.log"), log);
        String url = server.pipes() + "/replay?n=3";
        List<CompletableFuture<long[]>> receivers = new ArrayList<>();
        List<ByteArrayOutputStream> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Process curl = new ProcessBuilder("curl", "-sS", "-N", url).start();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            bodies.add(body);
            receivers.add(CompletableFuture.supplyAsync(() -> firstAndLastByte(curl, body)));
        }
        Run replayed = run("replay", file.toString(), url, "--speed", "2");
        assertEquals(0, replayed.status(), replayed.err());
        for (int i = 0; i < 3; i++) {
            long[] times = receivers.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(log, bodies.get(i).toString(StandardCharsets.UTF_8));
            double seconds = (times[1] - times[0]) / 1e9;
            assertTrue(Math.abs(seconds - 2.0) <= 0.3, "receiver " + i + ": first to last byte " + seconds + " s");
        }
    }

    /** Reads curl's output to its end; returns the times of its first and last bytes. */
    private static long[] firstAndLastByte(Process curl, ByteArrayOutputStream body) {
        long first = -1;
        long last = -1;
        byte[] buffer = new byte[8192];
        try (InputStream in = curl.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                long now = System.nanoTime();
                if (first < 0) {
                    first = now;
                }
                last = now;
                body.write(buffer, 0, n);
            }
            if (!curl.waitFor(30, TimeUnit.SECONDS) || curl.exitValue() != 0) {
                throw new AssertionError("curl failed: " + curl.exitValue());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return new long[] {first, last};
    }
}
