package dev.pipe.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A log read line by line, each line handed on at the moment its {@link ReplaySchedule} says, counted from the first
 * read (the moment the pipe starts taking bytes), and with a byte rate cap ({@code bytesPerSecond}, 0 for none). Lines
 * keep their own bytes and line ends. One reader at a time.
 */
final class PacedInputStream extends InputStream {

    private final InputStream log;
    private final ReplaySchedule schedule;
    private final Clock clock;
    private final long bytesPerSecond;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private long start = -1;
    private byte[] pending;
    private int pendingAt;
    private long sent;
    private volatile long lines;
    private volatile String lastLine = "";
    private boolean ended;

    PacedInputStream(InputStream log, ReplaySchedule schedule, Clock clock, long bytesPerSecond) {
        this.log = log;
        this.schedule = schedule;
        this.clock = clock;
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (start < 0) {
            start = clock.nanoTime();
        }
        while (pending == null || pendingAt == pending.length) {
            if (!nextLine()) {
                return -1;
            }
        }
        int n = Math.min(len, pending.length - pendingAt);
        if (bytesPerSecond > 0) {
            n = (int) Math.min(n, Math.max(1, bytesPerSecond / 20)); // at most a twentieth of a second's bytes
            clock.awaitUntil(start + (long) ((sent + n) * 1e9 / bytesPerSecond));
        }
        System.arraycopy(pending, pendingAt, b, off, n);
        pendingAt += n;
        sent += n;
        return n;
    }

    /** Reads the next line that goes out and waits for its moment; false at the end of the log. */
    private boolean nextLine() throws IOException {
        for (;;) {
            if (ended) {
                return false;
            }
            line.reset();
            for (int c = log.read(); ; c = log.read()) {
                if (c < 0) {
                    ended = true;
                    break;
                }
                line.write(c);
                if (c == '\n') {
                    break;
                }
            }
            if (line.size() == 0) {
                return false;
            }
            byte[] bytes = line.toByteArray();
            String text = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
            long at = schedule.offer(text);
            if (at == ReplaySchedule.SKIP) {
                continue;
            }
            clock.awaitUntil(start + at);
            pending = bytes;
            pendingAt = 0;
            lines++;
            lastLine = text;
            return true;
        }
    }

    /** Lines handed on so far. */
    long lines() {
        return lines;
    }

    /** The last line handed on, for the log's clock on the terminal. */
    String lastLine() {
        return lastLine;
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
