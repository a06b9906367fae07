package dev.pipe.client.cli;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.text.ParsePosition;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds when a log line was written, from its timestamp in one of the common shapes, or in a shape given as a
 * {@link DateTimeFormatter} pattern at the start of the line. Thread-safe.
 *
 * <ul>
 *   <li>the Common Log Format's {@code [04/May/2026:07:23:10 +0000]}, anywhere in the line;</li>
 *   <li>ISO-8601 with a date, {@code 2026-05-04T07:23:10.123Z} or {@code 2026-05-04 07:23:10,123+02:00}, at the start
 *       (or after a {@code [});</li>
 *   <li>syslog's {@code May  4 07:23:10}, at the start;</li>
 *   <li>a time of day, {@code 07:23:10} or {@code 07:23:10.123}, at the start (as in the seed's log).</li>
 * </ul>
 */
final class LogTime {

    /**
     * When a line was written: {@code nanos} on the log's own timeline (only differences between the lines of one
     * log mean anything; a time of day alone is nanoseconds since midnight), and its time of day.
     */
    record Stamp(long nanos, long timeOfDayNanos) {
    }

    private static final Pattern CLF = Pattern.compile(
            "\\[(\\d{2})/([A-Z][a-z]{2})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2}) ([+-]\\d{4})]");
    private static final Pattern ISO = Pattern.compile(
            "^\\[?(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern SYSLOG = Pattern.compile(
            "^([A-Z][a-z]{2}) +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?");
    private static final Pattern TIME = Pattern.compile("^(\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?(?!\\d)");
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    private static final long DAY = 86_400_000_000_000L;

    private final DateTimeFormatter pattern;   // null: the common shapes

    /** The common shapes. */
    LogTime() {
        this.pattern = null;
    }

    /**
     * Timestamps in {@code pattern} ({@link DateTimeFormatter}'s letters, e.g. {@code dd.MM.yyyy HH:mm:ss}) at the
     * start of each line.
     *
     * @throws IllegalArgumentException when it is not a pattern
     */
    LogTime(String pattern) {
        this.pattern = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
    }

    /** When {@code line} was written, or null when it has no timestamp (a stack trace's line, say). */
    Stamp of(String line) {
        return pattern != null ? custom(line) : common(line);
    }

    private Stamp common(String line) {
        Matcher m = ISO.matcher(line);
        if (m.find()) {
            LocalDateTime local = LocalDateTime.of(i(m, 1), i(m, 2), i(m, 3), i(m, 4), i(m, 5), i(m, 6), fraction(m.group(7)));
            ZoneOffset zone = m.group(8) == null ? ZoneOffset.UTC : ZoneOffset.of(
                    m.group(8).length() == 5 ? m.group(8).substring(0, 3) + ":" + m.group(8).substring(3) : m.group(8));
            return stamp(local, zone);
        }
        m = TIME.matcher(line);
        if (m.find()) {
            long tod = LocalTime.of(i(m, 1), i(m, 2), i(m, 3), fraction(m.group(4))).toNanoOfDay();
            return new Stamp(tod, tod);
        }
        m = SYSLOG.matcher(line);
        if (m.find() && MONTHS.contains(m.group(1)) && MONTHS.indexOf(m.group(1)) % 3 == 0) {
            // no year: a leap year, so that 29 February parses; the lines of one log are compared with each other only
            LocalDateTime local = LocalDateTime.of(2000, MONTHS.indexOf(m.group(1)) / 3 + 1, i(m, 2), i(m, 3), i(m, 4),
                    i(m, 5), fraction(m.group(6)));
            return stamp(local, ZoneOffset.UTC);
        }
        m = CLF.matcher(line);
        if (m.find() && MONTHS.indexOf(m.group(2)) % 3 == 0) {
            String offset = m.group(7);
            LocalDateTime local = LocalDateTime.of(i(m, 3), MONTHS.indexOf(m.group(2)) / 3 + 1, i(m, 1), i(m, 4),
                    i(m, 5), i(m, 6));
            return stamp(local, ZoneOffset.of(offset.substring(0, 3) + ":" + offset.substring(3)));
        }
        return null;
    }

    private Stamp custom(String line) {
        TemporalAccessor parsed;
        try {
            parsed = pattern.parse(line, new ParsePosition(0));
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
        if (!parsed.isSupported(ChronoField.NANO_OF_DAY)) {
            return null;
        }
        long tod = parsed.getLong(ChronoField.NANO_OF_DAY);
        if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
            return new Stamp(parsed.getLong(ChronoField.INSTANT_SECONDS) * 1_000_000_000L
                    + parsed.getLong(ChronoField.NANO_OF_SECOND), tod);
        }
        if (parsed.isSupported(ChronoField.EPOCH_DAY)) {
            return new Stamp(LocalDate.ofEpochDay(parsed.getLong(ChronoField.EPOCH_DAY)).toEpochDay() * DAY + tod, tod);
        }
        return new Stamp(tod, tod);
    }

    private static Stamp stamp(LocalDateTime local, ZoneOffset zone) {
        long epochNanos = local.toEpochSecond(zone) * 1_000_000_000L + local.getNano();
        return new Stamp(epochNanos, local.toLocalTime().toNanoOfDay());
    }

    private static int i(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static int fraction(String digits) {
        if (digits == null) {
            return 0;
        }
        return Integer.parseInt((digits + "000000000").substring(0, 9));
    }

    /** A day in nanoseconds: how far a time of day alone may jump back (past midnight) before it is a new day. */
    static long day() {
        return DAY;
    }
}
