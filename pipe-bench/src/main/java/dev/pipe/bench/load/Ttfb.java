package dev.pipe.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * The time-to-first-byte scenario: how long after the last party's request each receiver gets its first body byte,
 * with the sender first or the receivers first.
 */
final class Ttfb {

    private final Options options;

    Ttfb(Options options) {
        this.options = options;
    }

    /** Runs the scenario; true when every receiver got the right bytes. */
    boolean run() throws Exception {
        int n = options.intOption("n", 64);
        int runs = options.intOption("runs", 20);
        List<Long> all = new ArrayList<>();
        List<Long> slowest = new ArrayList<>();
        boolean ok = true;
        boolean receiversFirst = options.option("order", "sender-first").equals("receivers-first");
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
     * Receivers first: the n receivers' requests, a deliberate pause for the server to take them in (neither server
     * tells a client when it has), then the sender's request and body in one write; each receiver's first byte from
     * the moment that write was made.
     */
    private long[] ttfbReceiversFirstRun(int n) throws Exception {
        String path = Options.path("ttfb") + "?n=" + n;
        byte[] body = ttfbBody();
        CRC32C crc = new CRC32C();
        crc.update(body);
        LineReceivers receivers = new LineReceivers(options.url(), path, n, 0);
        try (Http1 sender = Http1.connect(options.url())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            long start = System.nanoTime();
            sender.request(options.url(), "PUT", path, body.length);
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
        byte[] body = Patterns.pattern(1024, 7);
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

    /**
     * One run: the sender, n-1 receivers known to be in (the sender's lines say so), then the last receiver's request;
     * the delay from that request to each receiver's first body byte, all receivers read on one selector thread.
     */
    private long[] ttfbRun(int n) throws Exception {
        String path = Options.path("ttfb") + "?n=" + n;
        byte[] body = ttfbBody();
        CRC32C crc = new CRC32C();
        crc.update(body);
        try (Http1 sender = Http1.connect(options.url())) {
            sender.request(options.url(), "PUT", path, body.length);
            sender.out.write(body);
            sender.out.flush();
            ProgressReader lines = new ProgressReader(sender);
            lines.await("Waiting for", 1);
            LineReceivers receivers = new LineReceivers(options.url(), path, n, 0, true);
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
}
