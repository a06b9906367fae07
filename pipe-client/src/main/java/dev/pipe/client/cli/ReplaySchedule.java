package dev.pipe.client.cli;

import java.time.Duration;
import java.time.LocalTime;

/**
 * When each line of a log goes out in a replay, relative to the first line sent: at the moment it was written,
 * divided by the speed. A line without a timestamp goes with the line before it; a line whose time goes back goes at
 * once; a silence longer than the longest gap is shortened to it (and counted); with a window ({@code --from},
 * {@code --to}, times of day) only the lines written in it go out. A time of day alone that jumps back by more than
 * twelve hours has passed midnight. Offered one line at a time, in order; not thread-safe.
 */
final class ReplaySchedule {

    /** What {@link #offer} answers for a line that does not go out. */
    static final long SKIP = -1;

    private final LogTime times;
    private final double speed;
    private final long maxGap;          // nanos on the log's timeline; Long.MAX_VALUE: none
    private final long from;            // time of day, nanos; -1: from the start
    private final long to;              // time of day, nanos (exclusive); -1: to the end

    private boolean started;            // the first timestamped line in the window has gone out
    private boolean inWindow;           // the last timestamped line was in the window (its continuations follow it)
    private long lastNanos;             // the last timestamp, on the log's timeline (days added past midnight)
    private long days;                  // midnights passed, for a time of day alone
    private long logOffset;             // nanos of the log since the first line sent, gaps shortened
    private int shortened;
    private long shortenedBy;
    private LogTime.Stamp last;

    ReplaySchedule(LogTime times, double speed, Duration maxGap, LocalTime from, LocalTime to) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("the speed must be a number above 0, not " + speed);
        }
        this.times = times;
        this.speed = speed;
        this.maxGap = maxGap == null ? Long.MAX_VALUE : maxGap.toNanos();
        this.from = from == null ? -1 : from.toNanoOfDay();
        this.to = to == null ? -1 : to.toNanoOfDay();
    }

    /**
     * When {@code line} goes out, in nanoseconds after the first line sent (at the given speed), or {@link #SKIP}
     * when it does not go out (outside the window, or a continuation of such a line).
     */
    long offer(String line) {
        LogTime.Stamp stamp = times.of(line);
        if (stamp == null) {
            // a continuation (a stack trace): with its line; lines before any timestamp go with the first one
            return !started ? (from < 0 ? 0 : SKIP) : inWindow ? at() : SKIP;
        }
        last = stamp;
        inWindow = inWindow(stamp.timeOfDayNanos());
        if (!inWindow) {
            return SKIP;
        }
        long nanos = stamp.nanos() + days * LogTime.day();
        if (started && stamp.nanos() == stamp.timeOfDayNanos() && lastNanos - nanos > LogTime.day() / 2) {
            days++;
            nanos += LogTime.day();
        }
        if (!started) {
            started = true;
        } else {
            long gap = Math.max(0, nanos - lastNanos);
            if (gap > maxGap) {
                shortened++;
                shortenedBy += gap - maxGap;
                gap = maxGap;
            }
            logOffset += gap;
        }
        lastNanos = Math.max(lastNanos, nanos);
        return at();
    }

    private boolean inWindow(long timeOfDay) {
        if (from < 0 && to < 0) {
            return true;
        }
        long start = Math.max(from, 0);
        long end = to < 0 ? LogTime.day() : to;
        return start <= end ? timeOfDay >= start && timeOfDay < end : timeOfDay >= start || timeOfDay < end;
    }

    private long at() {
        return Math.round(logOffset / speed);
    }

    /** The silences shortened to the longest gap so far. */
    int shortened() {
        return shortened;
    }

    /** How much log time the shortened silences left out. */
    Duration shortenedBy() {
        return Duration.ofNanos(shortenedBy);
    }

    /** The timestamp of the last line offered that had one, or null. */
    LogTime.Stamp last() {
        return last;
    }
}
