package dev.pipe.client.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A stream read at most {@code bytesPerSecond} on average from its first read, as {@code pv -L} paces. */
final class RateLimitedInputStream extends FilterInputStream {

    private final long bytesPerSecond;
    private final Clock clock;
    private long start = -1;
    private long read;

    RateLimitedInputStream(InputStream in, long bytesPerSecond, Clock clock) {
        super(in);
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (start < 0) {
            start = clock.nanoTime();
        }
        int n = in.read(b, off, (int) Math.min(len, Math.max(1, bytesPerSecond / 20)));
        if (n > 0) {
            read += n;
            clock.awaitUntil(start + (long) (read * 1e9 / bytesPerSecond));
        }
        return n;
    }
}
