package dev.pipe.servlet;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/** Deterministic bytes for the HTTP tests: log-like lines, and large streams generated on the fly, never held whole. */
public final class TestData {

    private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "WARN ", "ERROR", "DEBUG"};
    private static final String[] SERVICES = {"api-gateway", "checkout", "payments", "inventory", "auth", "search"};
    private static final String[] EVENTS = {
        "upstream timeout after %d ms", "retrying request (attempt %d)", "connection pool exhausted (%d waiting)",
        "circuit breaker opened after %d failures", "p99 latency %d ms over budget", "health check failed (%d)",
        "cache miss storm: %d keys", "recovered; queue depth %d",
    };

    private TestData() {
    }

    /** Incident-log lines from {@code seed}, whole lines, at least {@code size} bytes. */
    public static byte[] logLines(long seed, int size) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(size + 200);
        long millis = 1_777_870_800_000L; // 2026-05-04T05:00:00Z
        for (int line = 1; text.length() < size; line++) {
            millis += random.nextInt(900);
            text.append(java.time.Instant.ofEpochMilli(millis)).append(' ')
                    .append(LEVELS[random.nextInt(LEVELS.length)]).append(" [")
                    .append(SERVICES[random.nextInt(SERVICES.length)]).append("] ")
                    .append(String.format(EVENTS[random.nextInt(EVENTS.length)], random.nextInt(5000)))
                    .append(" line=").append(line).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** The heap in use after a full collection. */
    public static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * {@code total} bytes of a position-addressed pattern (a 64-bit mix of {@code seed} and the index of each 8-byte
     * word), generated as they are read: a byte lost, repeated or moved changes the digest. Reads return at most
     * {@code maxRead} bytes; the stream digests what it produced.
     */
    public static final class PatternStream extends InputStream {
        private final long seed;
        private final long total;
        private final int maxRead;
        private final MessageDigest digest = TestData.sha256();
        private final AtomicLong produced = new AtomicLong();
        private byte[] sha;

        PatternStream(long seed, long total, int maxRead) {
            this.seed = seed;
            this.total = total;
            this.maxRead = maxRead;
        }

        public long total() {
            return total;
        }

        /** Bytes handed out so far (readable from any thread). */
        public long produced() {
            return produced.get();
        }

        /** The SHA-256 of the whole stream, once it has been read to the end. */
        public synchronized byte[] sha256() {
            if (sha == null) {
                throw new IllegalStateException("the stream was not read to the end: " + produced() + " of " + total);
            }
            return sha.clone();
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            long position = produced.get();
            if (position >= total) {
                if (sha == null) {
                    sha = digest.digest();
                }
                return -1;
            }
            int count = (int) Math.min(Math.min(len, maxRead), total - position);
            for (int i = 0; i < count; ) {
                long at = position + i;
                long word = mix(seed + (at >>> 3));
                for (int k = (int) (at & 7); k < 8 && i < count; k++, i++) {
                    b[off + i] = (byte) (word >>> (k << 3));
                }
            }
            digest.update(b, off, count);
            produced.set(position + count);
            return count;
        }

        private static long mix(long z) { // SplitMix64
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

    /**
     * A body publisher for {@code HttpRequest.BodyPublishers.fromPublisher}: the bytes of a {@link PatternStream} in
     * buffers of exactly {@code chunk} bytes (the last one shorter), produced on demand.
     */
    public static final class PatternPublisher implements Flow.Publisher<ByteBuffer> {
        private final PatternStream source;
        private final int chunk;

        PatternPublisher(PatternStream source, int chunk) {
            this.source = source;
            this.chunk = chunk;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private final AtomicLong demand = new AtomicLong();
                private final AtomicInteger wip = new AtomicInteger();
                private volatile boolean stopped;

                @Override
                public void request(long n) {
                    if (n <= 0) {
                        stopped = true;
                        subscriber.onError(new IllegalArgumentException("request(" + n + ")"));
                        return;
                    }
                    demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                    if (wip.getAndIncrement() != 0) {
                        return;
                    }
                    do {
                        while (!stopped && demand.get() > 0) {
                            byte[] bytes = new byte[(int) Math.min(chunk, source.total() - source.produced())];
                            int filled = 0;
                            while (filled < bytes.length) {
                                filled += source.read(bytes, filled, bytes.length - filled);
                            }
                            demand.decrementAndGet();
                            if (bytes.length > 0) {
                                subscriber.onNext(ByteBuffer.wrap(bytes));
                            }
                            if (source.produced() >= source.total()) {
                                source.read(new byte[1], 0, 1); // seals the digest
                                stopped = true;
                                subscriber.onComplete();
                            }
                        }
                    } while (wip.decrementAndGet() != 0);
                }

                @Override
                public void cancel() {
                    stopped = true;
                }
            });
        }
    }

    /**
     * Hands out {@code bytes} at a fixed pace, one line per read, like {@code pv -L}: the pause before each line is the
     * rate under test, not a wait for an event. The clock starts at the first read.
     */
    public static final class PacedStream extends InputStream {
        private final byte[] bytes;
        private final long nanosPerByte;
        private final AtomicLong produced = new AtomicLong();
        private long start = -1;
        private int position;

        PacedStream(byte[] bytes, int bytesPerSecond) {
            this.bytes = bytes;
            this.nanosPerByte = TimeUnit.SECONDS.toNanos(1) / bytesPerSecond;
        }

        /** Bytes handed out so far (readable from any thread). */
        public long produced() {
            return produced.get();
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (position >= bytes.length) {
                return -1;
            }
            if (start < 0) {
                start = System.nanoTime();
            }
            int end = position;
            while (end < bytes.length && end - position < len && bytes[end++] != '\n') {
                // up to and including the end of the line
            }
            long due = start + end * nanosPerByte;
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            int count = end - position;
            System.arraycopy(bytes, position, b, off, count);
            position = end;
            produced.set(end);
            return count;
        }
    }

    /**
     * Polls {@code count} until it has not changed for one second (ten reads 100 ms apart), bounded by
     * {@link TestServer#LONG_WAIT}: the stall has no event of its own, so this waits for its effect.
     */
    public static long awaitSettled(LongSupplier count) {
        long deadline = System.nanoTime() + TestServer.LONG_WAIT.toNanos();
        long last = count.getAsLong();
        int unchanged = 0;
        while (unchanged < 10) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the count never settled; last " + last);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            long now = count.getAsLong();
            unchanged = now == last && now > 0 ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }
}
