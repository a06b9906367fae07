package dev.pipe.client.cli;

import dev.pipe.client.SendEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What a sender sees on standard error: each of the server's lines as it comes, and, on a terminal, one status line
 * kept up to date twice a second (bytes, rate and receivers; for a replay the log's clock and the lines sent; while
 * waiting, who has joined). Events come on the sending thread, the refresh on a thread of its own: both print under
 * this object's lock.
 */
final class Terminal {

    private static final long REFRESH_MILLIS = 500;

    private final PrintStream err;
    private final Clock clock;
    private final LongSupplier bytes;
    private final PacedInputStream replay;   // null: not a replay
    private final boolean live;              // standard error is a terminal: keep a status line

    // guarded by this
    private int receivers;
    private int joined;
    private boolean streaming;
    private boolean statusShown;
    private long lastBytes;
    private long lastNanos;
    private double rate;
    private Thread refresher;

    Terminal(PrintStream err, Clock clock, LongSupplier bytes, PacedInputStream replay, boolean live) {
        this.err = err;
        this.clock = clock;
        this.bytes = bytes;
        this.replay = replay;
        this.live = live;
    }

    /**
     * Whether standard error looks like a person's terminal, where a status line may be rewritten in place: Java 17
     * cannot ask of standard error itself, so a console, or a terminal type other than {@code dumb} (unset in CI logs
     * and under most process managers), and no {@code PIPE_PROGRESS=0}.
     */
    static boolean interactive(java.util.Map<String, String> env) {
        String term = env.get("TERM");
        return !"0".equals(env.get("PIPE_PROGRESS"))
                && (System.console() != null || term != null && !term.isBlank() && !term.equals("dumb"));
    }

    /** Starts the status line's refresh (on a terminal). */
    synchronized void start() {
        lastNanos = clock.nanoTime();
        if (!live) {
            return;
        }
        refresher = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(REFRESH_MILLIS); // the refresh rate of a status line: a pace, not a wait for an event
                    refresh();
                }
            } catch (InterruptedException stopped) {
                // stop() was called
            }
        }, "pipe-terminal");
        refresher.setDaemon(true);
        refresher.start();
    }

    /** Stops refreshing and clears the status line. */
    synchronized void stop() {
        if (refresher != null) {
            refresher.interrupt();
            refresher = null;
        }
        clearStatus();
    }

    /** One of the server's lines: shown as it is, and counted for the status line. */
    synchronized void event(SendEvent event) {
        if (event instanceof SendEvent.Waiting waiting) {
            receivers = waiting.receivers();
        } else if (event instanceof SendEvent.AlreadyConnected already) {
            joined = already.connected();
        } else if (event instanceof SendEvent.ReceiverConnected) {
            joined++;
        } else if (event instanceof SendEvent.StillWaiting still) {
            joined = still.connected();
            receivers = still.receivers();
        } else if (event instanceof SendEvent.Started started) {
            streaming = true;
            receivers = started.receivers();
            joined = receivers;
        } else if (event instanceof SendEvent.Streaming s) {
            joined = s.receivers();
        } else if (event instanceof SendEvent.ReceiverLeft) {
            joined = Math.max(0, joined - 1);
        }
        clearStatus();
        err.println(event.line());
        showStatus();
    }

    private synchronized void refresh() {
        if (refresher == null) {
            return; // stopped while this refresh waited for the lock
        }
        long now = clock.nanoTime();
        long sent = bytes.getAsLong();
        if (now > lastNanos) {
            rate = (sent - lastBytes) * 1e9 / (now - lastNanos);
        }
        lastBytes = sent;
        lastNanos = now;
        clearStatus();
        showStatus();
    }

    private void showStatus() {
        if (!live) {
            return;
        }
        String status;
        if (!streaming) {
            status = "waiting: " + joined + " of " + receivers + " receiver(s) here";
        } else if (replay != null) {
            status = "log " + clockOf(replay.lastLine()) + "  " + replay.lines() + " lines  " + size(bytes.getAsLong())
                    + "  " + joined + " receiver(s)";
        } else {
            status = size(bytes.getAsLong()) + "  " + size(rate) + "/s  " + joined + " receiver(s)";
        }
        err.print("\r" + status);
        err.flush();
        statusShown = true;
    }

    private void clearStatus() {
        if (statusShown) {
            err.print("\r\033[K");
            statusShown = false;
        }
    }

    /** The timestamp a log line starts with, for the log's clock: its first word (two for syslog and ISO dates). */
    static String clockOf(String line) {
        String[] words = line.strip().split("\\s+", 4);
        if (words.length >= 3 && words[0].length() == 3 && Character.isLetter(words[0].charAt(0))) {
            return words[0] + " " + words[1] + " " + words[2];
        }
        return words.length == 0 ? "" : words[0];
    }

    static String size(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (bytes >= 1024 && unit < units.length - 1) {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? Math.round(bytes) + " B" : String.format(Locale.ROOT, "%.1f %s", bytes, units[unit]);
    }

    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 120 ? seconds + " s" : seconds / 60 + " min " + seconds % 60 + " s";
    }
}
