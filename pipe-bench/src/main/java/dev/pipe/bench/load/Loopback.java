package dev.pipe.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The machine's own ceiling: bytes copied through one loopback TCP connection, a thread writing and a thread reading
 * (blocking, 256 KiB at a time, nothing checked), with no HTTP and no server. A pipe server moves every byte through
 * two such connections (the sender's and a receiver's), so at n = 1 it can reach at most about half of this rate on a
 * machine whose cores are all busy.
 */
final class Loopback {

    private static final int BUFFER = 256 * 1024;

    private final Options options;

    Loopback(Options options) {
        this.options = options;
    }

    /** Copies {@code --bytes} per run, {@code --runs} times; always true (nothing to check). */
    boolean run() throws Exception {
        long bytes = Options.size(options.option("bytes", "1g"));
        int runs = options.intOption("runs", 1);
        for (int run = 0; run < runs; run++) {
            copy(bytes);
        }
        return true;
    }

    private static void copy(long bytes) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket writer = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket reader = listener.accept()) {
            double cpu = Proc.self().cpuSeconds();
            long start = System.nanoTime();
            Future<?> written = threads.submit(() -> {
                byte[] buffer = Patterns.pattern(BUFFER, 3);
                OutputStream out = writer.getOutputStream();
                for (long left = bytes; left > 0; left -= BUFFER) {
                    out.write(buffer, 0, (int) Math.min(BUFFER, left));
                }
                writer.shutdownOutput();
                return null;
            });
            Future<Long> read = threads.submit(() -> count(reader.getInputStream()));
            long got = read.get(10, TimeUnit.MINUTES);
            written.get(1, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuUsed = Proc.self().cpuSeconds() - cpu;
            double mib = got / (double) (1 << 20);
            System.out.printf(Locale.ROOT, "loopback: %.0f MiB in %.3f s = %.1f MiB/s through one connection; CPU %.2f s"
                    + " (%.0f MiB per CPU-s)%n", mib, seconds, mib / seconds, cpuUsed, cpuUsed > 0 ? mib / cpuUsed : 0);
            System.out.printf(Locale.ROOT, "RESULT scenario=loopback n=1 bytes=%d ok=%b seconds=%.4f mibps=%.1f"
                    + " tool_cpu_s=%.3f mib_per_cpu_s=%.1f%n", got, got == bytes, seconds, mib / seconds, cpuUsed,
                    cpuUsed > 0 ? mib / cpuUsed : 0);
        } finally {
            threads.shutdownNow();
        }
    }

    private static long count(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long count = 0;
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            count += read;
        }
        return count;
    }
}
