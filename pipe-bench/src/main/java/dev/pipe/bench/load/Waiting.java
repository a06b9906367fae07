package dev.pipe.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The waiting scenario: receivers on distinct paths held open, then how many are still connected, a sender for each and
 * how many complete; the server's RSS per waiting connection and its threads.
 */
final class Waiting {

    private final Options options;

    Waiting(Options options) {
        this.options = options;
    }

    /** Runs the scenario; true when every receiver got the right bytes. */
    boolean run() throws Exception {
        int pipes = options.intOption("pipes", 10_000);
        int hold = options.intOption("hold", 10);
        // a JVM's resident memory also holds garbage not yet collected, as much as its heap may grow to: with
        // --server-gc jcmd, RSS is read after a collection (and, held, before one too)
        boolean gc = options.server() != null && "jcmd".equals(options.option("server-gc", "none"));
        if (gc && !options.server().collectGarbage()) {
            System.err.println("pipe-load: jcmd GC.run failed; RSS readings include garbage");
            gc = false;
        }
        long rssBefore = options.server() == null ? -1 : options.server().rssKib();
        long threadsBefore = options.server() == null ? -1 : options.server().threads();
        String prefix = Options.path("wait");
        SocketChannel[] receivers = new SocketChannel[pipes];
        long openStart = System.nanoTime();
        for (int i = 0; i < pipes; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(options.url().getHost(), options.url().getPort()));
            channel.socket().setTcpNoDelay(true);
            String head = "GET " + options.url().getRawPath() + "/" + prefix + "-" + i + " HTTP/1.1\r\nHost: " + options.url().getHost()
                    + ":" + options.url().getPort() + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            channel.configureBlocking(false);
            receivers[i] = channel;
        }
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(hold);
        for (long left = holdUntil - System.nanoTime(); left > 0; left = holdUntil - System.nanoTime()) {
            LockSupport.parkNanos(left); // the hold is the scenario: receivers waiting this long
        }
        long rssHeldRaw = options.server() == null ? -1 : options.server().rssKib();
        long threadsHeld = options.server() == null ? -1 : options.server().threads();
        long rssHeld = gc && options.server().collectGarbage() ? options.server().rssKib() : rssHeldRaw;
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
                        try (Http1 sender = Http1.connect(options.url()); Http1 receiver = Http1.over(receivers[i])) {
                            sender.request(options.url(), "PUT", prefix + "-" + i, body.length);
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
}
