package dev.pipe.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The throughput scenario: one sender, {@code n} receivers that joined first, over HTTP/1.1 (a Content-Length or a
 * chunked body) or HTTP/2; aggregate MiB/s is {@code n x bytes / time} from the sender's start to the last receiver's
 * last byte, and the server's CPU for it.
 */
final class Throughput {

    private static final int BLOCK = 1 << 20;
    /** A chunk of a chunked sender: curl's upload buffer (64 KiB), what {@code curl -T -} sends a chunk at a time. */
    private static final int CHUNK = 64 * 1024;

    private final Options options;

    Throughput(Options options) {
        this.options = options;
    }

    /** Runs the scenario; true when every receiver got the right bytes. */
    boolean run() throws Exception {
        int n = options.intOption("n", 8);
        long bytes = Options.size(options.option("bytes", "256m"));
        int runs = options.intOption("runs", 1);
        byte[] block = Patterns.pattern(BLOCK, 42);
        long expected = Patterns.crcOfPattern(block, bytes);
        long warmup = Options.size(options.option("warmup", "0"));
        if (warmup > 0) {
            // the tool's own client compiled before it measures (each run of compare.sh is a fresh JVM), unreported
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                throughputRun(n, warmup, block, Patterns.crcOfPattern(block, warmup));
            } finally {
                System.setOut(out);
            }
        }
        boolean ok = true;
        for (int run = 0; run < runs; run++) {
            ok &= throughputRun(n, bytes, block, expected);
        }
        return ok;
    }

    private boolean throughputRun(int n, long bytes, byte[] block, long expected) throws Exception {
        String http2 = options.option("http2");
        if (http2 != null && !http2.equals("h2c") && !http2.equals("h2")) {
            System.err.println("pipe-load: --http2 is h2c (clear text) or h2 (an https --url), not '" + http2 + "'");
            return false;
        }
        boolean chunked = Boolean.parseBoolean(options.option("chunked", "false"));
        if (chunked && http2 != null) {
            System.err.println("pipe-load: --chunked is HTTP/1.1's framing; HTTP/2 has none");
            return false;
        }
        try (Http2Load h2 = http2 == null ? null : new Http2Load()) {
            return throughputRun(n, bytes, block, expected, h2, http2 != null ? "throughput-" + http2
                    : chunked ? "throughput-chunked" : "throughput");
        }
    }

    private boolean throughputRun(int n, long bytes, byte[] block, long expected, Http2Load h2, String scenario)
            throws Exception {
        String path = Options.path("tp") + "?n=" + n;
        URI pipe = URI.create(options.url() + "/" + path);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            CountDownLatch asked = new CountDownLatch(n);
            List<Future<long[]>> receivers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                receivers.add(threads.submit(() -> h2 == null ? receive(path, asked) : h2.receive(pipe, asked)));
            }
            asked.await(30, TimeUnit.SECONDS);
            double serverCpu = options.server() == null ? 0 : options.server().cpuSeconds();
            double toolCpu = Proc.self().cpuSeconds();
            long start = System.nanoTime();
            boolean chunked = scenario.equals("throughput-chunked");
            Future<String> sender = threads.submit(() -> h2 == null ? send(path, block, bytes, chunked)
                    : h2.send(pipe, block, bytes));
            long last = 0;
            boolean ok = true;
            for (Future<long[]> receiver : receivers) {
                long[] got = receiver.get(10, TimeUnit.MINUTES); // [status, count, crc, endNanos]
                ok &= got[0] == 200 && got[1] == bytes && got[2] == expected;
                last = Math.max(last, got[3]);
            }
            String progress = sender.get(1, TimeUnit.MINUTES);
            double seconds = (last - start) / 1e9;
            double serverCpuUsed = options.server() == null ? 0 : options.server().cpuSeconds() - serverCpu;
            double toolCpuUsed = Proc.self().cpuSeconds() - toolCpu;
            double mib = (double) n * bytes / (1 << 20);
            System.out.printf(Locale.ROOT, "%s n=%d: %.0f MiB in %.3f s = %.1f MiB/s aggregate%s; server CPU"
                            + " %.2f s (%.0f MiB per CPU-s), tool CPU %.2f s%n", scenario, n, mib, seconds, mib / seconds,
                    ok ? "" : " (WRONG BYTES)", serverCpuUsed, serverCpuUsed > 0 ? mib / serverCpuUsed : 0,
                    toolCpuUsed);
            System.out.printf(Locale.ROOT, "RESULT scenario=%s n=%d bytes=%d ok=%b seconds=%.4f mibps=%.1f"
                            + " server_cpu_s=%.3f tool_cpu_s=%.3f mib_per_server_cpu_s=%.1f%n", scenario, n, bytes, ok, seconds,
                    mib / seconds, serverCpuUsed, toolCpuUsed, serverCpuUsed > 0 ? mib / serverCpuUsed : 0);
            if (!ok) {
                System.out.println("sender's progress: " + progress);
            }
            return ok;
        } finally {
            threads.shutdownNow();
        }
    }

    /** A receiver that reads the whole body: {status, count, crc32c, nanoTime at the end}. */
    private long[] receive(String path, CountDownLatch asked) throws IOException {
        try (Http1 http = Http1.connect(options.url())) {
            http.request(options.url(), "GET", path, -1);
            asked.countDown();
            int status = http.readHead();
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[256 * 1024];
            long count = 0;
            for (int read = http.read(buffer, 0, buffer.length); read >= 0; read = http.read(buffer, 0, buffer.length)) {
                crc.update(buffer, 0, read);
                count += read;
            }
            return new long[] {status, count, crc.getValue(), System.nanoTime()};
        } catch (IOException e) {
            System.out.println("receiver failed: " + e);
            return new long[] {-1, -1, -1, System.nanoTime()};
        }
    }

    /**
     * A sender of {@code bytes} of the repeated block, with a Content-Length or chunked ({@value #CHUNK} bytes a
     * chunk); returns its progress text.
     */
    private String send(String path, byte[] block, long bytes, boolean chunked) throws IOException {
        try (Http1 http = Http1.connect(options.url())) {
            http.request(options.url(), "PUT", path, chunked ? Http1.CHUNKED : bytes);
            Thread progress = null;
            StringBuilder text = new StringBuilder();
            // read the progress as it comes, so that a server that writes it before reading is never held up
            progress = new Thread(() -> {
                try {
                    text.append(http.readText());
                } catch (IOException e) {
                    text.append("(progress: ").append(e).append(')');
                }
            }, "sender-progress");
            progress.setDaemon(true);
            progress.start();
            if (chunked) {
                sendChunked(http, block, bytes);
            } else {
                for (long left = bytes; left > 0; ) {
                    int length = (int) Math.min(block.length, left);
                    http.out.write(block, 0, length);
                    left -= length;
                }
            }
            http.out.flush();
            try {
                progress.join(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return text.toString();
        }
    }

    /** The body as {@value #CHUNK}-byte chunks, each written whole (size line, bytes, CRLF) as curl writes it. */
    private static void sendChunked(Http1 http, byte[] block, long bytes) throws IOException {
        byte[] frame = new byte[CHUNK + 16];
        long sent = 0;
        while (sent < bytes) {
            int length = (int) Math.min(CHUNK, bytes - sent);
            byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(size, 0, frame, 0, size.length);
            int from = (int) (sent % block.length); // the body is the block repeated; BLOCK is a multiple of CHUNK
            System.arraycopy(block, from, frame, size.length, length);
            frame[size.length + length] = '\r';
            frame[size.length + length + 1] = '\n';
            http.out.write(frame, 0, size.length + length + 2);
            sent += length;
        }
        http.out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
}
