package dev.pipe.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * The lockstep scenario: a sender paced like {@code pv -L}, {@code n} receivers whose every line's arrival is stamped;
 * a line's skew is its latest arrival minus its earliest. The server's peak RSS is sampled meanwhile.
 */
final class Skew {

    private final Options options;

    Skew(Options options) {
        this.options = options;
    }

    /** Runs the scenario; true when every receiver got the right bytes. */
    boolean run() throws Exception {
        int n = options.intOption("n", 256);
        int rate = options.intOption("rate", 50_000);
        int seconds = options.intOption("seconds", 10);
        int lineLength = options.intOption("line", 100);
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
        String path = Options.path("skew") + "?n=" + n;
        LineReceivers receivers = new LineReceivers(options.url(), path, n, lineCount);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            double serverCpu = options.server() == null ? 0 : options.server().cpuSeconds();
            Future<?> sender = threads.submit(() -> {
                try (Http1 http = Http1.connect(options.url())) {
                    http.request(options.url(), "PUT", path, body.length);
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
                while (options.server() != null && !Thread.currentThread().isInterrupted()) {
                    rssPeak.accumulateAndGet(options.server().rssKib(), Math::max);
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
            double serverCpuUsed = options.server() == null ? 0 : options.server().cpuSeconds() - serverCpu;
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
}
