package dev.pipe.jetty;

import static dev.pipe.servlet.HttpAsserts.ALL_RECEIVED;
import static dev.pipe.servlet.HttpAsserts.RECEIVER_ABORTED;
import static dev.pipe.servlet.HttpAsserts.started;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeState;
import dev.pipe.servlet.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every pipe rule holds over HTTP/2 in clear text as over HTTP/1.1, on the server {@link PipeServers#server} builds
 * (the standalone server's), with the real curl: n receivers, the sender's progress lines, a sender on one protocol and
 * its receivers on the other, aborts (a reset stream is an abort: curl exits non-zero), a 35 s pause, the join window
 * and the limits. The same tests for both protocols: {@link Protocol} is the only difference.
 */
@Timeout(120)
@ParameterizedClass
@EnumSource(ProtocolsHttpTest.Protocol.class)
class ProtocolsHttpTest {

    /** How curl speaks to the server: the parameter of every test here. */
    enum Protocol {
        HTTP_1_1("--http1.1", "1.1"),
        H2C("--http2-prior-knowledge", "2");

        final String flag;
        final String version;   // curl's %{http_version}

        Protocol(String flag, String version) {
            this.flag = flag;
            this.version = version;
        }

        Protocol other() {
            return this == HTTP_1_1 ? H2C : HTTP_1_1;
        }
    }

    @Parameter
    Protocol protocol;

    @TempDir
    Path dir;

    private static final byte[] LOG = ("07:23:14 WARN  db-primary replication lag 4s\n"
            + "07:23:15 ERR   checkout 502 upstream timeout\n").repeat(2_000).getBytes(StandardCharsets.UTF_8);

    @Test
    void eightReceiversGetEveryByteAndTheSenderItsLines() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            List<Curl> receivers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                receivers.add(Curl.receive(protocol, server, "replay?n=8", dir.resolve("r" + i)));
            }
            server.awaitReceivers("replay", 8);
            Curl sender = Curl.send(protocol, server, "replay?n=8", file("incident.log", LOG), dir.resolve("s"));
            assertEquals(0, sender.exit(), sender.describe());
            assertEquals(protocol.version, sender.httpVersion(), "the sender spoke " + protocol);
            assertTrue(sender.body().contains(ALL_RECEIVED), sender.body());
            for (Curl receiver : receivers) {
                assertEquals(0, receiver.exit(), receiver.describe());
                assertEquals(protocol.version, receiver.httpVersion());
                assertArrayEquals(LOG, receiver.bytes());
            }
        }
    }

    /** A sender on the other protocol than its receivers: the pipe does not care how each party speaks. */
    @Test
    void aSenderAndItsReceiversMaySpeakDifferentProtocols() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            Curl first = Curl.receive(protocol, server, "mixed?n=2", dir.resolve("r1"));
            Curl second = Curl.receive(protocol.other(), server, "mixed?n=2", dir.resolve("r2"));
            server.awaitReceivers("mixed", 2);
            Curl sender = Curl.send(protocol.other(), server, "mixed?n=2", file("log", LOG), dir.resolve("s"));
            assertEquals(0, sender.exit(), sender.describe());
            assertEquals(protocol.other().version, sender.httpVersion());
            assertArrayEquals(LOG, first.bytes());
            assertArrayEquals(LOG, second.bytes());
            assertEquals(protocol.version, first.httpVersion());
            assertEquals(protocol.other().version, second.httpVersion());
        }
    }

    /** A waiting receiver that hangs up is noticed at once: its pipe is gone, its place free (over HTTP/2, a reset). */
    @Test
    void aWaitingReceiverThatHangsUpLeavesNoPipe() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            Curl receiver = Curl.receive(protocol, server, "gone", dir.resolve("r"));
            server.awaitReceivers("gone", 1);
            receiver.process().destroyForcibly();
            server.awaitGone("gone");
            assertEquals(PipeState.ABANDONED, server.lastEnd("gone"));
        }
    }

    /** A sender killed mid-stream cuts its receiver off: over HTTP/2 its stream is reset, and curl says so. */
    @Test
    void aSenderThatStopsCutsItsReceiverOff() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            Curl receiver = Curl.receive(protocol, server, "cut", dir.resolve("r"));
            server.awaitReceivers("cut", 1);
            Process sender = new ProcessBuilder("bash", "-c", "cat /dev/zero | curl -sS " + protocol.flag
                    + " -T - \"$0\"", server.uri("cut").toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            receiver.awaitBytes(1024 * 1024);
            // the sender's curl is killed, not its input first: a curl whose input ends sends the body's end
            sender.descendants().filter(p -> p.info().command().orElse("").endsWith("curl"))
                    .forEach(ProcessHandle::destroyForcibly);
            assertTrue(sender.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the sender's curl died");
            sender.descendants().forEach(ProcessHandle::destroyForcibly);
            assertNotEquals(0, receiver.exit(), "a cut-off stream never looks complete: " + receiver.describe());
            server.awaitGone("cut");
            assertEquals(PipeState.FAILED, server.lastEnd("cut"));
        }
    }

    /** A receiver that leaves mid-stream: the sender hears it, and its own curl exits non-zero (not every byte went). */
    @Test
    void aReceiverThatLeavesIsHeardAndTheSendersExitSaysSo() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            Process receiver = new ProcessBuilder("curl", "-sS", protocol.flag, "-o", "/dev/null",
                    server.uri("left").toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            server.awaitReceivers("left", 1);
            Process sender = new ProcessBuilder("bash", "-c", "head -c 64m /dev/zero | pv -q -L 2m | curl -sS -N "
                    + protocol.flag + " -T - \"$0\"", server.uri("left").toString())
                    .redirectOutput(dir.resolve("s.out").toFile()).redirectError(dir.resolve("s.err").toFile())
                    .start();
            awaitContains(dir.resolve("s.out"), started(1));
            receiver.destroyForcibly();
            assertTrue(sender.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the sender ends");
            sender.descendants().forEach(ProcessHandle::destroyForcibly);
            String lines = Files.readString(dir.resolve("s.out"));
            assertTrue(lines.contains(RECEIVER_ABORTED), lines);
            assertTrue(lines.contains("[ERROR] "), lines);
            assertNotEquals(0, sender.exitValue(), "the sender's response is cut after its [ERROR] line: " + lines);
        }
    }

    /**
     * A sender silent for 35 s, longer than the connector's idle timeout (30 s), keeps its pipe over HTTP/2 as over
     * HTTP/1.1; so does, on a second pipe at the same time, a receiver that reads nothing for 35 s while the server has
     * a write pending to it (flow control holds it over HTTP/2, the socket over HTTP/1.1): the servlet lifts the idle
     * timeout of the exchange's stream as it does the connection's.
     */
    @Test
    void aPauseLongerThanTheIdleTimeoutKeepsThePipe() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE)) {
            assertTrue(Duration.ofSeconds(35).compareTo(server.connectorIdleTimeout()) > 0);
            Curl receiver = Curl.receive(protocol, server, "ctrl-z", dir.resolve("r"));
            server.awaitReceivers("ctrl-z", 1);
            // the pauses under test are deliberate silences: of the sender's input, as ctrl-Z gives it, and of the
            // frozen receiver's reader, which takes nothing until its sleep ends
            Process sender = new ProcessBuilder("bash", "-c", "(echo before; sleep 35; echo after) | curl -sS "
                    + protocol.flag + " -T - \"$0\"", server.uri("ctrl-z").toString())
                    .redirectOutput(dir.resolve("s.out").toFile()).redirectError(dir.resolve("s.err").toFile())
                    .start();
            Path frozenOut = dir.resolve("frozen.out");
            Process frozen = new ProcessBuilder("bash", "-c", "curl -sS -N " + protocol.flag
                    + " \"$0\" | { sleep 35; cat > \"$1\"; }", server.uri("frozen").toString(), frozenOut.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("frozen.err").toFile()).start();
            server.awaitReceivers("frozen", 1);
            byte[] big = new byte[16 * 1024 * 1024];
            new java.util.Random(7).nextBytes(big);
            Curl bigSender = Curl.start(protocol, server, "frozen", dir.resolve("big-sender"),
                    List.of("-T", file("big", big).toString()));
            assertTrue(sender.waitFor(TestServer.LONG_WAIT.toSeconds() + 35, TimeUnit.SECONDS), "the sender ends");
            assertEquals(0, sender.exitValue(), Files.readString(dir.resolve("s.err")));
            assertEquals(0, receiver.exit(), receiver.describe());
            assertEquals("before\nafter\n", new String(receiver.bytes(), StandardCharsets.UTF_8));
            assertTrue(bigSender.process().waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, bigSender.exit(), bigSender.describe());
            assertTrue(frozen.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the frozen receiver ends");
            assertEquals(0, frozen.exitValue(), Files.readString(dir.resolve("frozen.err")));
            assertArrayEquals(big, Files.readAllBytes(frozenOut));
        }
    }

    @Test
    void aReceiverWhoseSenderNeverComesGets504WhenTheJoinWindowEnds() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE,
                PipeConfig.defaults().withJoinTimeout(Duration.ofSeconds(1)))) {
            Curl receiver = Curl.run(protocol, server, "lonely", dir.resolve("r"), "-w", "%{http_code} %{http_version}",
                    "-o", "/dev/null");
            assertEquals(0, receiver.exit(), receiver.describe());
            assertEquals("504 " + protocol.version, receiver.stdout());
        }
    }

    @Test
    void pastMaxPipesANewPipeGets503() throws Exception {
        try (TestServer server = TestServer.start(StandaloneJetty.INSTANCE, PipeConfig.defaults().withMaxPipes(1))) {
            Curl waiting = Curl.receive(protocol, server, "held", dir.resolve("held"));
            server.awaitReceivers("held", 1);
            Curl refused = Curl.run(protocol, server, "another", dir.resolve("another"), "-w", "%{http_code}");
            assertEquals(0, refused.exit(), refused.describe());
            assertTrue(refused.stdout().startsWith("[ERROR] The server holds as many pipes as it may (1)"),
                    refused.stdout());
            assertTrue(refused.stdout().endsWith("503"), refused.stdout());
            Curl sender = Curl.send(protocol, server, "held", file("one", "one\n".getBytes(StandardCharsets.UTF_8)),
                    dir.resolve("s"));
            assertEquals(0, sender.exit(), sender.describe());
            assertEquals("one\n", new String(waiting.bytes(), StandardCharsets.UTF_8));
        }
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static void awaitContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
        while (!Files.readString(file).contains(text)) {
            assertTrue(System.nanoTime() < deadline, "never said '" + text + "': " + Files.readString(file));
            TimeUnit.MILLISECONDS.sleep(20); // polling a file with a deadline: curl gives no other event
        }
    }

    /** One curl run in the background: its exit status, what it wrote, and the HTTP version it spoke. */
    private record Curl(Process process, Path out, Path err) {

        static Curl receive(Protocol protocol, TestServer server, String pathAndQuery, Path base) throws IOException {
            return start(protocol, server, pathAndQuery, base, List.of());
        }

        static Curl send(Protocol protocol, TestServer server, String pathAndQuery, Path file, Path base)
                throws Exception {
            Curl curl = start(protocol, server, pathAndQuery, base, List.of("-T", file.toString()));
            curl.exit();
            return curl;
        }

        /** Runs curl to the end with extra arguments; stdout is what {@code -w} and the body wrote. */
        static Curl run(Protocol protocol, TestServer server, String pathAndQuery, Path base, String... extra)
                throws Exception {
            Curl curl = start(protocol, server, pathAndQuery, base, List.of(extra));
            curl.exit();
            return curl;
        }

        private static Curl start(Protocol protocol, TestServer server, String pathAndQuery, Path base,
                                  List<String> extra) throws IOException {
            Files.createDirectories(base);
            List<String> command = new ArrayList<>(List.of("curl", "-sS", protocol.flag,
                    "--write-out", "%{stderr}%{http_version}"));
            command.addAll(extra);
            command.add(server.uri("").toString() + pathAndQuery);
            Path out = base.resolve("out");
            Path err = base.resolve("err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            return new Curl(process, out, err);
        }

        int exit() throws Exception {
            assertTrue(process.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "curl ends");
            return process.exitValue();
        }

        byte[] bytes() throws Exception {
            exit();
            return Files.readAllBytes(out);
        }

        String body() throws Exception {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        String stdout() throws Exception {
            return body();
        }

        /** The version curl spoke ({@code 1.1}, {@code 2}): the last thing it wrote to stderr. */
        String httpVersion() throws Exception {
            exit();
            String text = Files.readString(err).strip();
            return text.substring(text.lastIndexOf('\n') + 1);
        }

        void awaitBytes(long count) throws Exception {
            long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
            while (Files.size(out) < count) {
                assertTrue(process.isAlive() || Files.size(out) >= count, "curl ended early: " + describe());
                assertTrue(System.nanoTime() < deadline, "never got " + count + " bytes");
                TimeUnit.MILLISECONDS.sleep(20); // polling a file with a deadline: curl gives no other event
            }
        }

        String describe() throws IOException {
            return "exit " + (process.isAlive() ? "(running)" : process.exitValue()) + ", stderr: "
                    + Files.readString(err);
        }
    }
}
