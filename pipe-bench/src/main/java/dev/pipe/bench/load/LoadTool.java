package dev.pipe.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * An end-to-end load tool for any pipe server (this one, piping-server, or the trivial {@link Relay}) over HTTP/1.1
 * on loopback. Each scenario prints human lines and one {@code RESULT key=value ...} line for scripts.
 *
 * <pre>
 * java -jar pipe-bench/target/pipe-load.jar throughput --url http://127.0.0.1:8080/api/v1/pipe --n 8 --bytes 256m
 * java -jar pipe-bench/target/pipe-load.jar ttfb       --url ... --n 64 --runs 20
 * java -jar pipe-bench/target/pipe-load.jar skew       --url ... --n 256 --rate 50000 --seconds 10
 * java -jar pipe-bench/target/pipe-load.jar waiting    --url ... --pipes 10000 --hold 10 --server-pid PID
 * java -jar pipe-bench/target/pipe-load.jar relay      --port 0
 * </pre>
 *
 * Every receiver's bytes are checked (CRC32C against the sender's), so a fast wrong answer fails the run. With
 * {@code --server-pid}, the server's CPU time, resident memory and threads are read from {@code /proc}; the tool's
 * own CPU time is always reported, so that one can see it is not the bottleneck.
 */
public final class LoadTool {

    private static final int BLOCK = 1 << 20;
    /** A chunk of a chunked sender: curl's upload buffer (64 KiB), what {@code curl -T -} sends a chunk at a time. */
    private static final int CHUNK = 64 * 1024;
    private static final AtomicInteger PATHS = new AtomicInteger();

    private final URI url;
    private final Proc server;
    private final Map<String, String> options;

    private LoadTool(Map<String, String> options) {
        this.options = options;
        this.url = URI.create(option("url", "http://127.0.0.1:8080/api/v1/pipe").replaceAll("/+$", ""));
        String pid = options.get("server-pid");
        this.server = pid == null ? null : new Proc(pid);
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args) ? 0 : 1);
    }

    /** Runs one scenario; true when every receiver got the right bytes. */
    public static boolean run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println(USAGE);
            return true;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("pipe-load: expected --option value, got '" + args[i] + "'\n" + USAGE);
                return false;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        LoadTool tool = new LoadTool(options);
        return switch (args[0]) {
            case "throughput" -> tool.throughput();
            case "ttfb" -> tool.ttfb();
            case "skew" -> tool.skew();
            case "waiting" -> tool.waiting();
            case "relay" -> {
                Relay.serve(Integer.parseInt(tool.option("port", "0")));
                yield true;
            }
            default -> {
                System.err.println("pipe-load: unknown scenario '" + args[0] + "'\n" + USAGE);
                yield false;
            }
        };
    }

    private static final String USAGE = """
            usage: java -jar pipe-load.jar SCENARIO [--option value ...]
              throughput  --n 8 --bytes 256m [--runs 1]     one sender, n receivers; aggregate MiB/s (n x bytes / time)
                          [--http2 h2c|h2]                  over HTTP/2 (h2c with prior knowledge; h2 for an https
                                                            --url, by ALPN) instead of HTTP/1.1
                          [--chunked true]                  the sender's body chunked, 64 KiB a chunk, as
                                                            curl -T - sends it, instead of a Content-Length
              ttfb        --n 64 [--runs 20]                sender first; time from the last receiver's request to
                                                            each receiver's first byte
                          [--order receivers-first]         the receivers first; from the sender's request
              skew        --n 256 [--rate 50000] [--seconds 10] [--line 100]
                                                            a paced sender; per-line arrival spread across receivers
              waiting     [--pipes 10000] [--hold 10]       receivers waiting on distinct paths: still connected after
                                                            the hold, then all complete; server RSS and threads
              relay       [--port 0]                        a trivial relay: the practical ceiling
            common: --url BASE (pipe URLs are BASE/PATH?n=N; default http://127.0.0.1:8080/api/v1/pipe)
                    --server-pid PID (the server's CPU, RSS and threads, from /proc)
                    --server-gc jcmd (waiting: the server is a JVM; read RSS after jcmd GC.run)
            """;

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(option(name, String.valueOf(fallback)));
    }

    static long size(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        long unit = lower.endsWith("g") ? 1L << 30 : lower.endsWith("m") ? 1L << 20 : lower.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? lower : lower.substring(0, lower.length() - 1)) * unit;
    }

    private static String path(String scenario) {
        return scenario + "-" + ProcessHandle.current().pid() + "-" + PATHS.incrementAndGet() + "-"
                + Long.toHexString(System.nanoTime());
    }

    // ------------------------------------------------------------------ throughput

    private boolean throughput() throws Exception {
        int n = intOption("n", 8);
        long bytes = size(option("bytes", "256m"));
        int runs = intOption("runs", 1);
        byte[] block = pattern(BLOCK, 42);
        long expected = crcOfPattern(block, bytes);
        boolean ok = true;
        for (int run = 0; run < runs; run++) {
            ok &= throughputRun(n, bytes, block, expected);
        }
        return ok;
    }

    private boolean throughputRun(int n, long bytes, byte[] block, long expected) throws Exception {
        String http2 = options.get("http2");
        if (http2 != null && !http2.equals("h2c") && !http2.equals("h2")) {
            System.err.println("pipe-load: --http2 is h2c (clear text) or h2 (an https --url), not '" + http2 + "'");
            return false;
        }
        boolean chunked = Boolean.parseBoolean(option("chunked", "false"));
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
        String path = path("tp") + "?n=" + n;
        URI pipe = URI.create(url + "/" + path);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            CountDownLatch asked = new CountDownLatch(n);
            List<Future<long[]>> receivers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                receivers.add(threads.submit(() -> h2 == null ? receive(path, asked) : h2.receive(pipe, asked)));
            }
            asked.await(30, TimeUnit.SECONDS);
            double serverCpu = server == null ? 0 : server.cpuSeconds();
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
            double serverCpuUsed = server == null ? 0 : server.cpuSeconds() - serverCpu;
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
        try (Http1 http = Http1.connect(url)) {
            http.request(url, "GET", path, -1);
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
        try (Http1 http = Http1.connect(url)) {
            http.request(url, "PUT", path, chunked ? Http1.CHUNKED : bytes);
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

    // ------------------------------------------------------------------ time to first byte

    private boolean ttfb() throws Exception {
        int n = intOption("n", 64);
        int runs = intOption("runs", 20);
        List<Long> all = new ArrayList<>();
        List<Long> slowest = new ArrayList<>();
        boolean ok = true;
        boolean receiversFirst = option("order", "sender-first").equals("receivers-first");
        for (int run = 0; run < runs; run++) {
            long[] firsts = receiversFirst ? ttfbReceiversFirstRun(n) : ttfbRun(n);
            if (firsts == null) {
                ok = false;
                continue;
            }
            long max = 0;
            for (long first : firsts) {
                all.add(first);
                max = Math.max(max, first);
            }
            slowest.add(max);
        }
        double[] each = Stats.millis(all);
        double[] last = Stats.millis(slowest);
        System.out.printf(Locale.ROOT, "ttfb n=%d %s, %d runs: each receiver p50 %.2f ms p99 %.2f ms max %.2f ms;"
                + " all receivers p50 %.2f ms%n", n, receiversFirst ? "receivers first" : "sender first", runs, each[0],
                each[1], each[2], last[0]);
        System.out.printf(Locale.ROOT, "RESULT scenario=%s n=%d runs=%d ok=%b p50_ms=%.3f p99_ms=%.3f max_ms=%.3f"
                + " all_p50_ms=%.3f%n", receiversFirst ? "ttfb-receivers-first" : "ttfb", n, runs, ok, each[0], each[1],
                each[2], last[0]);
        return ok;
    }

    /**
     * One run: the sender, n-1 receivers known to be in (the sender's lines say so), then the last receiver's request;
     * the delay from that request to each receiver's first body byte, all receivers read on one selector thread.
     */
    /**
     * Receivers first: the n receivers' requests, a deliberate pause for the server to take them in (neither server
     * tells a client when it has), then the sender's request and body in one write; each receiver's first byte from
     * the moment that write was made.
     */
    private long[] ttfbReceiversFirstRun(int n) throws Exception {
        String path = path("ttfb") + "?n=" + n;
        byte[] body = ttfbBody();
        CRC32C crc = new CRC32C();
        crc.update(body);
        LineReceivers receivers = new LineReceivers(url, path, n, 0);
        try (Http1 sender = Http1.connect(url)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            long start = System.nanoTime();
            sender.request(url, "PUT", path, body.length);
            sender.out.write(body);
            sender.out.flush();
            ProgressReader lines = new ProgressReader(sender);
            receivers.run(TimeUnit.SECONDS.toNanos(30));
            lines.awaitEnd();
            return firstBytesSince(receivers, crc.getValue(), start);
        } finally {
            receivers.close();
        }
    }

    /** The one line a TTFB run's sender sends. */
    private static byte[] ttfbBody() {
        byte[] body = pattern(1024, 7);
        body[body.length - 1] = '\n';
        return body;
    }

    /** Each receiver's first byte after {@code start}, or null when one got wrong bytes or none. */
    private static long[] firstBytesSince(LineReceivers receivers, long crc, long start) {
        if (!receivers.allOk(crc)) {
            return null;
        }
        long[] firsts = receivers.firstBytes();
        for (int i = 0; i < firsts.length; i++) {
            if (firsts[i] < 0) {
                return null;
            }
            firsts[i] -= start;
        }
        return firsts;
    }

    private long[] ttfbRun(int n) throws Exception {
        String path = path("ttfb") + "?n=" + n;
        byte[] body = ttfbBody();
        CRC32C crc = new CRC32C();
        crc.update(body);
        try (Http1 sender = Http1.connect(url)) {
            sender.request(url, "PUT", path, body.length);
            sender.out.write(body);
            sender.out.flush();
            ProgressReader lines = new ProgressReader(sender);
            lines.await("Waiting for", 1);
            LineReceivers receivers = new LineReceivers(url, path, n, 0, true);
            long start;
            try {
                lines.await("A receiver was connected", n - 1);
                start = receivers.sendLast();
                receivers.run(TimeUnit.SECONDS.toNanos(30));
            } finally {
                receivers.close();
            }
            return firstBytesSince(receivers, crc.getValue(), start);
        }
    }

    // ------------------------------------------------------------------ lockstep skew

    private boolean skew() throws Exception {
        int n = intOption("n", 256);
        int rate = intOption("rate", 50_000);
        int seconds = intOption("seconds", 10);
        int lineLength = intOption("line", 100);
        int lineCount = Math.max(1, (int) ((long) rate * seconds / lineLength));
        byte[] body = new byte[lineCount * lineLength];
        for (int i = 0; i < lineCount; i++) {
            byte[] line = String.format(Locale.ROOT, "%08d %s", i, "x".repeat(lineLength - 10))
                    .getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(line, 0, body, i * lineLength, lineLength - 1);
            body[i * lineLength + lineLength - 1] = '\n';
        }
        CRC32C sent = new CRC32C();
        sent.update(body);
        String path = path("skew") + "?n=" + n;
        LineReceivers receivers = new LineReceivers(url, path, n, lineCount);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            double serverCpu = server == null ? 0 : server.cpuSeconds();
            Future<?> sender = threads.submit(() -> {
                try (Http1 http = Http1.connect(url)) {
                    http.request(url, "PUT", path, body.length);
                    ProgressReader progress = new ProgressReader(http);
                    progress.await("Start sending", 1);
                    long start = System.nanoTime();
                    for (int i = 0; i < lineCount; i++) {
                        long due = start + (long) i * lineLength * 1_000_000_000L / rate;
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                            LockSupport.parkNanos(wait); // the sender's pace: a clock, like pv -L
                        }
                        http.out.write(body, i * lineLength, lineLength);
                        http.out.flush();
                    }
                    progress.awaitEnd(); // read the progress to its end before closing, as a sender would
                }
                return null;
            });
            // the server's resident memory while it fans out, its peak sampled every 0.1 s
            AtomicLong rssPeak = new AtomicLong(-1);
            Future<?> rssSampler = threads.submit(() -> {
                while (server != null && !Thread.currentThread().isInterrupted()) {
                    rssPeak.accumulateAndGet(server.rssKib(), Math::max);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                return null;
            });
            try {
                receivers.run(TimeUnit.SECONDS.toNanos(seconds * 3L + 60));
            } finally {
                rssSampler.cancel(true);
                receivers.close();
            }
            boolean ok = receivers.allOk(sent.getValue());
            sender.get(30, TimeUnit.SECONDS);
            long[][] arrivals = receivers.arrivals();
            long[] spreads = new long[lineCount];
            for (int i = 0; i < lineCount; i++) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (long[] times : arrivals) {
                    min = Math.min(min, times[i]);
                    max = Math.max(max, times[i]);
                }
                spreads[i] = max - min;
            }
            double[] skew = Stats.millis(spreads);
            double serverCpuUsed = server == null ? 0 : server.cpuSeconds() - serverCpu;
            System.out.printf(Locale.ROOT, "skew n=%d at %d B/s, %d lines: spread across receivers p50 %.2f ms p99 %.2f ms"
                    + " max %.2f ms%s; server CPU %.2f s, RSS at most %d KiB%n", n, rate, lineCount, skew[0], skew[1],
                    skew[2], ok ? "" : " (WRONG BYTES)", serverCpuUsed, rssPeak.get());
            System.out.printf(Locale.ROOT, "RESULT scenario=skew n=%d rate=%d lines=%d ok=%b p50_ms=%.3f p99_ms=%.3f"
                    + " max_ms=%.3f server_cpu_s=%.3f server_rss_kib=%d%n", n, rate, lineCount, ok, skew[0], skew[1],
                    skew[2], serverCpuUsed, rssPeak.get());
            return ok;
        } finally {
            threads.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ waiting pipes

    private boolean waiting() throws Exception {
        int pipes = intOption("pipes", 10_000);
        int hold = intOption("hold", 10);
        // a JVM's resident memory also holds garbage not yet collected, as much as its heap may grow to: with
        // --server-gc jcmd, RSS is read after a collection (and, held, before one too)
        boolean gc = server != null && "jcmd".equals(option("server-gc", "none"));
        if (gc && !server.collectGarbage()) {
            System.err.println("pipe-load: jcmd GC.run failed; RSS readings include garbage");
            gc = false;
        }
        long rssBefore = server == null ? -1 : server.rssKib();
        long threadsBefore = server == null ? -1 : server.threads();
        String prefix = path("wait");
        SocketChannel[] receivers = new SocketChannel[pipes];
        long openStart = System.nanoTime();
        for (int i = 0; i < pipes; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
            channel.socket().setTcpNoDelay(true);
            String head = "GET " + url.getRawPath() + "/" + prefix + "-" + i + " HTTP/1.1\r\nHost: " + url.getHost()
                    + ":" + url.getPort() + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            channel.configureBlocking(false);
            receivers[i] = channel;
        }
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(hold);
        for (long left = holdUntil - System.nanoTime(); left > 0; left = holdUntil - System.nanoTime()) {
            LockSupport.parkNanos(left); // the hold is the scenario: receivers waiting this long
        }
        long rssHeldRaw = server == null ? -1 : server.rssKib();
        long threadsHeld = server == null ? -1 : server.threads();
        long rssHeld = gc && server.collectGarbage() ? server.rssKib() : rssHeldRaw;
        ByteBuffer probe = ByteBuffer.allocate(1);
        int connected = 0;
        for (SocketChannel channel : receivers) {
            probe.clear();
            try {
                if (channel.read(probe) == 0) {
                    connected++;
                }
            } catch (IOException e) {
                // closed by the server
            }
        }
        // now complete every pipe: a small sender each, on a few threads
        AtomicInteger completed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        long completeStart = System.nanoTime();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                work.add(threads.submit(() -> {
                    byte[] body = "done\n".getBytes(StandardCharsets.US_ASCII);
                    for (int i = first; i < pipes; i += 8) {
                        try (Http1 sender = Http1.connect(url); Http1 receiver = Http1.over(receivers[i])) {
                            sender.request(url, "PUT", prefix + "-" + i, body.length);
                            sender.out.write(body);
                            sender.out.flush();
                            if (receiver.readHead() == 200 && receiver.readText().equals("done\n")) {
                                completed.incrementAndGet();
                            }
                            sender.readText();
                        } catch (IOException e) {
                            // counted as not completed
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        double completeSeconds = (System.nanoTime() - completeStart) / 1e9;
        double perConnection = rssBefore < 0 ? -1 : (rssHeld - rssBefore) * 1024.0 / pipes / 1000.0;
        double perConnectionRaw = rssBefore < 0 ? -1 : (rssHeldRaw - rssBefore) * 1024.0 / pipes / 1000.0;
        System.out.printf(Locale.ROOT, "waiting: %d receivers on distinct paths opened in %.1f s, held %d s: %d still"
                        + " connected, then %d completed in %.1f s; server RSS %d -> %d KiB (%.2f kB per connection;"
                        + " %s), threads %d -> %d%n", pipes, openSeconds, hold, connected, completed.get(),
                completeSeconds, rssBefore, rssHeld, perConnection,
                gc ? String.format(Locale.ROOT, "%.2f before the collection", perConnectionRaw) : "no collection",
                threadsBefore, threadsHeld);
        boolean ok = connected == pipes && completed.get() == pipes;
        System.out.printf(Locale.ROOT, "RESULT scenario=waiting pipes=%d hold_s=%d ok=%b connected=%d completed=%d"
                        + " rss_before_kib=%d rss_held_kib=%d kb_per_connection=%.2f kb_per_connection_raw=%.2f"
                        + " threads_before=%d threads_held=%d%n",
                pipes, hold, ok, connected, completed.get(), rssBefore, rssHeld, perConnection, perConnectionRaw,
                threadsBefore, threadsHeld);
        return ok;
    }

    // ------------------------------------------------------------------ data

    /** A deterministic block of bytes. */
    static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        long x = seed;
        for (int i = 0; i < length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            bytes[i] = (byte) (x >>> 56);
        }
        return bytes;
    }

    /** The CRC32C of {@code bytes} bytes of the repeated block. */
    static long crcOfPattern(byte[] block, long bytes) {
        CRC32C crc = new CRC32C();
        for (long left = bytes; left > 0; ) {
            int length = (int) Math.min(block.length, left);
            crc.update(block, 0, length);
            left -= length;
        }
        return crc.getValue();
    }
}
