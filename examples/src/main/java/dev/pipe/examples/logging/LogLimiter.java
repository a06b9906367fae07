package dev.pipe.examples.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * Bounds what clients can make the server log: of the lines of one kind (one logger, level and message pattern), at
 * most one per {@link #WINDOW_NANOS minute} is written; the next one written after that is preceded by a count of
 * those left out. It applies to every line at WARN and above and to every line of Jetty's loggers: what a
 * malformed request or a broken connection makes Jetty say, and failures of the machine such as running out of file
 * descriptors. The server's own INFO lines (its lifecycle, one line per finished transfer) pass untouched: those are
 * bounded by the pipes a client may open ({@code --max-pipes}, {@code --max-waiting-per-client}).
 *
 * <p>A kind is keyed by the first {@value #KEY_CHARS} characters of the pattern, so that text a client sent, which
 * a logger may have put into the pattern itself, cannot make each line a kind of its own; and at most
 * {@value #MAX_KINDS} kinds are kept, beyond which a logger's lines share one kind.
 *
 * <p>Threads: called by every thread that logs; each kind's counts are guarded by its own lock, held for a few
 * arithmetic steps.
 */
public final class LogLimiter extends TurboFilter {

    static final long WINDOW_NANOS = 60_000_000_000L;
    static final int KEY_CHARS = 40;
    static final int MAX_KINDS = 1_000;

    private static final String SELF = LogLimiter.class.getName();

    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    /** A limiter on the system's clock (as logback.xml makes it). */
    public LogLimiter() {
        this(System::nanoTime);
    }

    /** A limiter on {@code nanoTime} (tests). */
    LogLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The counts of one kind of line. */
    private static final class Kind {
        private long windowStart;
        private boolean open;     // a line of this kind has been written in this window
        private long suppressed;  // lines left out since the last one written
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        // first what costs least: logback asks this filter on every level check, isDebugEnabled() included, and Jetty
        // asks that several times for each write it makes; such a check is of a level not written, and ends here
        if (level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL; // not written anyway: nothing to count (isEnabledFor would ask this filter)
        }
        if (logger.getName().equals(SELF)
                || !level.isGreaterOrEqual(Level.WARN) && !logger.getName().startsWith("org.eclipse.jetty")) {
            return FilterReply.NEUTRAL;
        }
        Kind kind = kind(logger.getName() + ' ' + level + ' '
                + (format == null ? "" : format.substring(0, Math.min(format.length(), KEY_CHARS))), logger);
        long left;
        synchronized (kind) {
            long now = nanoTime.getAsLong();
            if (kind.open && now - kind.windowStart < WINDOW_NANOS) {
                kind.suppressed++;
                return FilterReply.DENY;
            }
            kind.open = true;
            kind.windowStart = now;
            left = kind.suppressed;
            kind.suppressed = 0;
        }
        if (left > 0) {
            ((LoggerContext) getContext()).getLogger(SELF).warn("{} more lines like the next one (from {}) were not"
                    + " logged in the last minute", left, logger.getName());
        }
        return FilterReply.NEUTRAL;
    }

    private Kind kind(String key, Logger logger) {
        Kind kind = kinds.get(key);
        if (kind != null) {
            return kind;
        }
        if (kinds.size() >= MAX_KINDS) {
            key = logger.getName() + " *";
        }
        return kinds.computeIfAbsent(key, k -> new Kind());
    }
}
