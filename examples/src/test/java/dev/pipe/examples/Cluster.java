package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Three instances of the packaged jar on free ports behind one real balancer, each a child process of the test, every
 * one of them stopped by {@link #close()}. Which instance a path lands on is read from the instances' own
 * {@code /metrics}: a request the instance refuses ({@code ?n=0}, a 400) is counted by the one it reached.
 */
final class Cluster implements AutoCloseable {

    static final int INSTANCES = 3;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Balancer balancer;
    private final Path dir;
    private final String[] flags;
    private final int[] ports = new int[INSTANCES];
    private final JarServer[] instances = new JarServer[INSTANCES];
    private final int port;
    private Process front;

    private Cluster(Balancer balancer, Path dir, String[] flags) throws IOException {
        this.balancer = balancer;
        this.dir = dir;
        this.flags = flags;
        this.port = freePort();
        for (int i = 0; i < INSTANCES; i++) {
            ports[i] = freePort();
        }
    }

    /** The instances with {@code --trust-forwarded true} and {@code flags}, then the balancer, ready. */
    static Cluster start(Balancer balancer, Path dir, String... flags) throws Exception {
        assertTrue(Files.isExecutable(balancer.binary), balancer.binary + " is missing: this test needs Debian's"
                + " nginx and haproxy packages, which .ci/run installs");
        Cluster cluster = new Cluster(balancer, dir, flags);
        try {
            for (int i = 0; i < INSTANCES; i++) {
                cluster.startInstance(i);
            }
            cluster.front = new ProcessBuilder(balancer.start(dir, cluster.port, cluster.ports)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("balancer.log").toFile()).start();
            await(() -> cluster.accepts(), "the balancer listens");
            return cluster;
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
    }

    /** A pipe's URL through the balancer. */
    String pipe(String path) {
        return "http://127.0.0.1:" + port + "/api/v1/pipe/" + path;
    }

    JarServer instance(int index) {
        return instances[index];
    }

    /** The instance {@code path} lands on now: the one that counts the refusal of {@code path?n=0}. */
    int instanceOf(String path) throws Exception {
        double[] before = refusals();
        HttpResponse<String> refused = CLIENT.send(HttpRequest.newBuilder(URI.create(pipe(path) + "?n=0")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        int[] found = {-1};
        await(() -> {
            double[] after = refusals();
            for (int i = 0; i < INSTANCES; i++) {
                if (after[i] > before[i]) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        }, "an instance counted the refusal of " + path);
        return found[0];
    }

    /** A path that lands on {@code instance} now, of those named {@code prefix-0}, {@code prefix-1}, ... */
    String pathOn(int instance, String prefix) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (instanceOf(prefix + "-" + i) == instance) {
                return prefix + "-" + i;
            }
        }
        throw new AssertionError("no path of 100 lands on instance " + instance);
    }

    /** The sum of one sample over the live instances' {@code /metrics}. */
    double total(String sample) throws Exception {
        double total = 0;
        for (JarServer instance : instances) {
            if (instance != null && instance.process().isAlive()) {
                total += instance.metric(sample);
            }
        }
        return total;
    }

    /** Waits until the live instances have {@code count} parties waiting in all. */
    void awaitWaiting(int count) {
        await(() -> total("pipe_parties_waiting") == count, count + " parties waiting");
    }

    /** Kills an instance at once (SIGKILL). */
    void kill(int index) throws InterruptedException {
        instances[index].kill();
    }

    /** Stops an instance gracefully (SIGTERM, as systemctl stop does) and starts it again on the same port. */
    void restart(int index) throws Exception {
        instances[index].stop();
        startInstance(index);
    }

    void takeOut(int index) throws Exception {
        balancer.takeOut(dir, port, ports, index);
    }

    void putBack(int index) throws Exception {
        balancer.putBack(dir, port, ports, index);
    }

    /** The balancer's resident memory in KiB, its worker processes included. */
    long balancerMemoryKib() throws IOException {
        long total = rssKib(front.pid());
        for (ProcessHandle child : front.descendants().toList()) {
            total += rssKib(child.pid());
        }
        return total;
    }

    /** Waits, bounded, for a condition on child processes or on metrics, which no event of ours announces. */
    static void await(Check condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception notYet) {
                last = notYet;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(what, e);
            }
        }
        throw new AssertionError("not within 30 s: " + what + (last == null ? "" : " (" + last + ")"));
    }

    /** A condition that may throw while it is not yet true. */
    interface Check {
        boolean holds() throws Exception;
    }

    @Override
    public void close() throws Exception {
        if (front != null) {
            front.destroy();
            if (!front.waitFor(20, TimeUnit.SECONDS)) {
                front.destroyForcibly();
            }
        }
        for (JarServer instance : instances) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    private void startInstance(int index) throws IOException {
        List<String> all = new ArrayList<>(List.of("--trust-forwarded", "true"));
        all.addAll(List.of(flags));
        instances[index] = JarServer.start(ports[index], all.toArray(String[]::new));
    }

    private double[] refusals() throws Exception {
        double[] counts = new double[INSTANCES];
        for (int i = 0; i < INSTANCES; i++) {
            counts[i] = instances[i].process().isAlive() ? instances[i].metric("pipe_refusals_total{status=\"400\"}") : 0;
        }
        return counts;
    }

    private boolean accepts() {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
