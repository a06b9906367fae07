package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pipes behind Debian's real nginx and HAProxy (docs/SCALING.md), each run from a copy of its file in deploy/ in front
 * of three instances of the packaged jar: the seed story, 200 pipes spread over every instance, a quarter gibibyte with
 * the balancer's memory flat, an instance killed mid-transfer, a rolling restart by the documented procedure, forged
 * forwarding headers, and the sender's progress as it is written. Every process started here is stopped at the end.
 */
@Timeout(240)
@ParameterizedClass
@EnumSource(Balancer.class)
class BalancerIT {

    private static final Path LOG = Path.of("replay/incident-2026-05-04.log");
    /** Short enough for the join window to end within the test, long enough for 100 parties to gather. */
    private static final String JOIN = "15s";

    @Parameter
    Balancer balancer;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Threads of their own for receivers that read as they go (the common pool may have one thread here). */
    private final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        readers.shutdownNow();
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The seed: eight curl receivers and a pv-paced sender on replay?n=8, every receiver byte for byte. */
    @Test
    void theSeedStoryReachesEveryReceiverByteForByte() throws Exception {
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN)) {
            List<Process> receivers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                receivers.add(start("curl", "-sS", "-o", dir.resolve("reader-" + i).toString(),
                        cluster.pipe("replay?n=8")));
            }
            Process sender = start("bash", "-c", "pv -q -L 50k '" + LOG.toAbsolutePath() + "' | curl -sS -o /dev/null"
                    + " -T - '" + cluster.pipe("replay?n=8") + "'");
            assertExit(0, sender);
            for (int i = 0; i < 8; i++) {
                assertExit(0, receivers.get(i));
                assertArrayEquals(Files.readAllBytes(LOG), Files.readAllBytes(dir.resolve("reader-" + i)),
                        "reader " + i);
            }
        }
    }

    /** The response is not buffered either: the sender's first line arrives while nobody else is there. */
    @Test
    void theSendersProgressComesThroughAsItIsWritten() throws Exception {
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN);
             Socket raw = new Socket("127.0.0.1", URI.create(cluster.pipe("")).getPort())) {
            raw.setSoTimeout(20_000);
            OutputStream out = raw.getOutputStream();
            out.write(("PUT /api/v1/pipe/progress HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nfirst\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader progress = new BufferedReader(new InputStreamReader(raw.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            assertTrue(readUntil(progress, "[INFO] Waiting for 1 receiver(s)..."), "the waiting line, before any"
                    + " receiver came");
            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(HttpRequest.newBuilder(
                    URI.create(cluster.pipe("progress"))).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(readUntil(progress, "[INFO] Start sending to 1 receiver(s)!"), "the start line, as it happened");
            out.write("5\r\nlast\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertEquals("first\nlast\n", receiver.get(30, TimeUnit.SECONDS).body());
            assertTrue(readUntil(progress, "[INFO] Sent successfully!"), "the end");
        }
    }

    /** 200 pipes on distinct paths, receivers first for half and senders first for the rest, over every instance. */
    @Test
    void twoHundredPipesAllCompleteSpreadOverEveryInstance() throws Exception {
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN)) {
            List<CompletableFuture<?>> transfers = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> firsts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean receiverFirst = i < 100;
                firsts.add(receiverFirst ? receive(cluster.pipe("spread-" + i)) : send(cluster.pipe("spread-" + i), i));
                if (i == 99 || i == 199) {
                    cluster.awaitWaiting(100); // these hundred are all in, and wait: now their other parties
                    for (int j = i - 99; j <= i; j++) {
                        String path = cluster.pipe("spread-" + j);
                        int n = j;
                        CompletableFuture<HttpResponse<String>> got = receiverFirst ? firsts.get(j) : receive(path);
                        CompletableFuture<HttpResponse<String>> sent = receiverFirst ? send(path, j) : firsts.get(j);
                        transfers.add(got.thenAccept(r -> assertEquals("pipe " + n + "\n", r.body(), path)));
                        transfers.add(sent.thenAccept(r -> assertTrue(r.body().contains("[INFO] Sent successfully!"),
                                r.body())));
                    }
                }
            }
            CompletableFuture.allOf(transfers.toArray(CompletableFuture<?>[]::new)).get(120, TimeUnit.SECONDS);
            for (int i = 0; i < Cluster.INSTANCES; i++) {
                assertTrue(cluster.instance(i).metric("pipe_transfers_total{outcome=\"completed\"}") > 0,
                        "instance " + i + " carried none of them");
            }
            assertEquals(200, cluster.total("pipe_transfers_total{outcome=\"completed\"}"), 0.1,
                    "each pipe on one instance, and completed there");
        }
    }

    /** 256 MiB to three receivers, byte for byte, while the balancer's memory stays flat: nothing is buffered. */
    @Test
    void aQuarterGibibyteGoesThroughWithTheBalancersMemoryFlat() throws Exception {
        long size = 256L * 1024 * 1024;
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN)) {
            List<CompletableFuture<byte[]>> receivers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                receivers.add(CompletableFuture.supplyAsync(() -> sha256(cluster.pipe("big?n=3")), readers));
            }
            cluster.awaitWaiting(3);
            long before = cluster.balancerMemoryKib();
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<HttpResponse<String>> sender = client.sendAsync(HttpRequest.newBuilder(
                    URI.create(cluster.pipe("big?n=3"))).PUT(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new DigestInputStream(new Pattern(size), sent))).build(),
                    HttpResponse.BodyHandlers.ofString());
            AtomicLong most = new AtomicLong(before);
            while (!sender.isDone()) {
                most.accumulateAndGet(cluster.balancerMemoryKib(), Math::max);
                TimeUnit.MILLISECONDS.sleep(100); // a sample of the balancer's memory every 0.1 s
            }
            assertTrue(sender.get().body().contains("[INFO] Sent successfully!"), sender.get().body());
            byte[] expected = sent.digest();
            for (CompletableFuture<byte[]> receiver : receivers) {
                assertArrayEquals(expected, receiver.get(60, TimeUnit.SECONDS), "SHA-256 of 256 MiB at a receiver");
            }
            long grew = most.get() - before;
            System.out.printf("%s: %d KiB before, at most %d KiB during 256 MiB%n", balancer, before, most.get());
            assertTrue(grew < 64 * 1024, balancer + " grew by " + grew + " KiB while 256 MiB went through");
        }
    }

    /**
     * An instance killed mid-transfer: the receivers of its pipes exit non-zero (never a clean-looking file), the pipes
     * on the other instances complete, and a new pipe on one of its paths then goes to another instance and works.
     */
    @Test
    void anInstanceKilledMidTransferFailsOnlyItsOwnPipes() throws Exception {
        Path log = slowLog();
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN)) {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < Cluster.INSTANCES; i++) {
                paths.add(cluster.pathOn(i, "killed-" + i));
            }
            List<Process> receivers = new ArrayList<>();
            for (String path : paths) {
                receivers.add(start("curl", "-sS", "-o", dir.resolve(path).toString(), cluster.pipe(path)));
            }
            cluster.awaitWaiting(3);
            for (String path : paths) {
                start("bash", "-c", "pv -q -L 40k '" + log + "' | curl -sS -o /dev/null -T - '" + cluster.pipe(path)
                        + "'");
            }
            for (String path : paths) {
                Cluster.await(() -> Files.size(dir.resolve(path)) > 0, "bytes of " + path + " at its receiver");
            }
            cluster.kill(0);
            assertExitNot(0, receivers.get(0));
            assertTrue(Files.size(dir.resolve(paths.get(0))) < Files.size(log), "a cut-off file");
            for (int i = 1; i < Cluster.INSTANCES; i++) {
                assertExit(0, receivers.get(i));
                assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(dir.resolve(paths.get(i))));
            }
            // HAProxy's check sees it gone within two intervals; nginx at the next failed connection, passively
            Cluster.await(() -> cluster.instanceOf(paths.get(0)) != 0, "its paths go to another instance");
            CompletableFuture<HttpResponse<String>> receiver = receive(cluster.pipe(paths.get(0)));
            cluster.awaitWaiting(1);
            assertTrue(send(cluster.pipe(paths.get(0)), 0).get(30, TimeUnit.SECONDS).body()
                    .contains("[INFO] Sent successfully!"));
            assertEquals("pipe 0\n", receiver.get(30, TimeUnit.SECONDS).body());
        }
    }

    /**
     * A rolling restart of one instance by docs/SCALING.md: take it out at the balancer, let its transfer finish,
     * restart it, put it back. The transfer in flight completes; new pipes meanwhile go elsewhere and complete. A pipe
     * whose receiver came before the move and whose sender came after is split: both wait out the join window.
     */
    @Test
    void aRollingRestartLetsTheTransferInFlightFinishAndNewPipesGoElsewhere() throws Exception {
        Path log = slowLog();
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN)) {
            String inFlight = cluster.pathOn(0, "flight");
            String moved = cluster.pathOn(0, "moved");
            Process receiver = start("curl", "-sS", "-o", dir.resolve("flight").toString(), cluster.pipe(inFlight));
            cluster.awaitWaiting(1);
            start("bash", "-c", "pv -q -L 40k '" + log + "' | curl -sS -o /dev/null -T - '" + cluster.pipe(inFlight)
                    + "'");
            Cluster.await(() -> cluster.instance(0).metric("pipe_pipes{state=\"streaming\"}") == 1, "in flight");
            CompletableFuture<HttpResponse<String>> early = receive(cluster.pipe(moved)); // waits on instance 0
            cluster.awaitWaiting(1);

            cluster.takeOut(0);
            Cluster.await(() -> cluster.instanceOf(moved) != 0, "instance 0 takes no new pipe");
            Path lateSaw = dir.resolve("late-sender.txt");
            Process late = new ProcessBuilder("curl", "-sS", "-T", log.toString(), cluster.pipe(moved))
                    .redirectOutput(lateSaw.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start(); // elsewhere
            processes.add(late);
            double carried = cluster.instance(0).metric("pipe_transfers_total{outcome=\"completed\"}");
            for (int i = 0; i < 20; i++) {
                CompletableFuture<HttpResponse<String>> got = receive(cluster.pipe("meanwhile-" + i));
                assertTrue(send(cluster.pipe("meanwhile-" + i), i).get(30, TimeUnit.SECONDS).body()
                        .contains("[INFO] Sent successfully!"), "meanwhile-" + i);
                assertEquals("pipe " + i + "\n", got.get(30, TimeUnit.SECONDS).body());
            }
            assertExit(0, receiver);
            assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(dir.resolve("flight")), "in flight, whole");
            Cluster.await(() -> cluster.instance(0).metric("pipe_transfers_total{outcome=\"completed\"}") == carried + 1,
                    "instance 0 finished its transfer");
            Cluster.await(() -> cluster.total("pipe_transfers_total{outcome=\"completed\"}") == carried + 1 + 20,
                    "the twenty new pipes completed, on the other instances");

            // the split pipe: its receiver on instance 0, its sender elsewhere; each waits out the join window
            HttpResponse<String> receiverSaw = early.get(60, TimeUnit.SECONDS);
            assertEquals(504, receiverSaw.statusCode(), receiverSaw.body());
            assertExitNot(0, late); // the sender's honest exit status: nobody got its bytes
            String senderSaw = Files.readString(lateSaw);
            assertTrue(senderSaw.strip().endsWith("did not come."), senderSaw);

            Cluster.await(() -> cluster.instance(0).metric("pipe_pipes{state=\"streaming\"}") == 0
                    && cluster.instance(0).metric("pipe_parties_waiting") == 0, "instance 0 has no pipe left");
            cluster.restart(0);
            cluster.putBack(0);
            Cluster.await(() -> cluster.instanceOf(moved) == 0, "instance 0 takes its paths again");
            CompletableFuture<HttpResponse<String>> back = receive(cluster.pipe(moved));
            cluster.awaitWaiting(1);
            assertTrue(send(cluster.pipe(moved), 8).get(30, TimeUnit.SECONDS).body().contains("Sent successfully"));
            assertEquals("pipe 8\n", back.get(30, TimeUnit.SECONDS).body());
            assertEquals(1, cluster.instance(0).metric("pipe_transfers_total{outcome=\"completed\"}"), 0.1);
        }
    }

    /**
     * A client's own {@code X-Forwarded-For} or {@code Forwarded} does not reach the instances: with two waiting parties
     * allowed per address, ten receivers that each claim another address are counted as the one client they are.
     */
    @Test
    void forgedForwardingHeadersDoNotChangeTheClientsAddress() throws Exception {
        try (Cluster cluster = Cluster.start(balancer, dir, "--join-timeout", JOIN, "--max-waiting-per-client", "2")) {
            List<CompletableFuture<HttpResponse<String>>> receivers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                receivers.add(client.sendAsync(HttpRequest.newBuilder(URI.create(cluster.pipe("forged-" + i)))
                        .header("X-Forwarded-For", "198.51.100." + i).header("Forwarded", "for=198.51.100." + i)
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            Cluster.await(() -> receivers.stream().filter(CompletableFuture::isDone).count()
                    + (long) cluster.total("pipe_parties_waiting") == 10, "each receiver waits or is refused");
            int waiting = (int) cluster.total("pipe_parties_waiting");
            assertTrue(waiting <= 2 * Cluster.INSTANCES, waiting + " wait: more than two per instance");
            for (CompletableFuture<HttpResponse<String>> receiver : receivers) {
                if (receiver.isDone()) {
                    assertEquals(429, receiver.get().statusCode(), receiver.get().body());
                }
            }
            assertNotEquals(0, 10 - waiting, "some were refused");
        }
    }

    private CompletableFuture<HttpResponse<String>> receive(String url) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> send(String url, int n) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString("pipe " + n + "\n")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The seed's log four times over: 124 KB, three seconds at 40 KB/s. */
    private Path slowLog() throws IOException {
        Path log = dir.resolve("slow.log");
        byte[] seed = Files.readAllBytes(LOG);
        try (OutputStream out = Files.newOutputStream(log)) {
            for (int i = 0; i < 4; i++) {
                out.write(seed);
            }
        }
        return log.toAbsolutePath();
    }

    private Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(process);
        return process;
    }

    private static void assertExit(int status, Process process) throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + process.info());
        assertEquals(status, process.exitValue(), process.info().toString());
    }

    private static void assertExitNot(int status, Process process) throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + process.info());
        assertNotEquals(status, process.exitValue(), process.info().toString());
    }

    private static boolean readUntil(BufferedReader lines, String wanted) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Receives {@code url} on the calling thread: the SHA-256 of its body. */
    private byte[] sha256(String url) {
        try (InputStream in = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream()).body()) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return digest.digest();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code size} bytes of a repeating pattern that is not a multiple of any buffer's size. */
    private static final class Pattern extends InputStream {
        private long left;
        private int next;

        Pattern(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int count = (int) Math.min(length, left);
            for (int i = 0; i < count; i++) {
                buffer[offset + i] = (byte) (next = (next + 1) % 251);
            }
            left -= count;
            return count;
        }
    }
}
