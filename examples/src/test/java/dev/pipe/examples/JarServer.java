package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code java -jar target/pipe-server.jar}) in a process of its own, as a user runs it: started with
 * its flags, ready once it has printed where it serves, its standard error in a log file.
 */
final class JarServer implements AutoCloseable {

    private static final Path JAR = Path.of("target", "pipe-server.jar");
    private static final Path LAUNCHER = Path.of("pipe-server");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final int port;
    private final Path log;

    private JarServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar with {@code --port port} and {@code flags}; returns once it prints where it serves. */
    static JarServer start(int port, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(flags));
        return start(new ProcessBuilder(command));
    }

    /**
     * Starts the jar through its launcher ({@code examples/pipe-server}, as the README does) on a free port, with
     * {@code environment} added to this one's and the JDK running the tests as its {@code JAVA_HOME}.
     */
    static JarServer launch(Map<String, String> environment, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString(), "--port", "0"));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        return start(builder);
    }

    private static JarServer start(ProcessBuilder builder) throws IOException {
        Path log = Files.createTempFile("pipe-server", ".log");
        Process process = builder.redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher matcher = Pattern.compile("https?://127\\.0\\.0\\.1:(\\d+)/").matcher(String.valueOf(line));
        assertTrue(matcher.find(), () -> "first line: " + line + "; its log: " + read(log));
        return new JarServer(process, Integer.parseInt(matcher.group(1)), log);
    }

    /** As {@link #start(int, String...)} on a free port. */
    static JarServer start(String... flags) throws IOException {
        return start(0, flags);
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String pipe(String path) {
        return "http://127.0.0.1:" + port + "/api/v1/pipe/" + path;
    }

    /** The value of one sample on its {@code /metrics}, 0 when absent. */
    double metric(String sample) throws IOException, InterruptedException {
        String text = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return MetricsTest.value(text, sample);
    }

    /** The command line the server's process runs (after the launcher's exec, the JVM's own). */
    List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
        return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    long threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring("Threads:".length()).trim());
            }
        }
        throw new AssertionError("no thread count for " + process.pid());
    }

    String logText() {
        return read(log);
    }

    /** A graceful stop (SIGTERM, as systemd sends): returns once the process has exited. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 60 s");
        }
    }

    /** Kills the process at once (SIGKILL), as a crashed machine would end it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
