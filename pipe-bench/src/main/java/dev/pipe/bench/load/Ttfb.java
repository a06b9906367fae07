package dev.pipe.bench.load;

import java.io.IOException;
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

    /** The one line each run's sender sends, and its checksum. */
    private static final byte[] BODY = Patterns.pattern(1024, 7);
    private static final long BODY_CRC;

    static {
        BODY[BODY.length - 1] = '\n';
        CRC32C crc = new CRC32C();
        crc.update(BODY);
        BODY_CRC = crc.getValue();
    }

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
        LineReceivers receivers = new LineReceivers(options.url(), path, n, 0);
        try (Http1 sender = Http1.connect(options.url())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            long start = System.nanoTime();
            ProgressReader lines = send(sender, path);
            receivers.run(TimeUnit.SECONDS.toNanos(30));
            lines.awaitEnd();
            return firstBytesSince(receivers, start);
        } finally {
            receivers.close();
        }
    }

    /** Sends the one line of a run, its request and body in one write; returns the reader of the sender's lines. */
    private ProgressReader send(Http1 sender, String path) throws IOException {
        sender.request(options.url(), "PUT", path, BODY.length);
        sender.out.write(BODY);
        sender.out.flush();
        return new ProgressReader(sender);
    }

    /** Each receiver's first byte after {@code start}, or null when one got wrong bytes or none. */
    private static long[] firstBytesSince(LineReceivers receivers, long start) {
        if (!receivers.allOk(BODY_CRC)) {
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
        try (Http1 sender = Http1.connect(options.url())) {
            ProgressReader lines = send(sender, path);
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
            return firstBytesSince(receivers, start);
        }
    }
}
