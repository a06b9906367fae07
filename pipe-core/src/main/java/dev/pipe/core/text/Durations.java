package dev.pipe.core.text;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in flags: {@code 300ms}, {@code 45s}, {@code 5m}, {@code 1h}, {@code 2d}. */
public final class Durations {

    /** The longest duration a setting may have. */
    public static final Duration MAX = Duration.ofDays(365);

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Reads one number and one unit, e.g. {@code 5m}.
     *
     * @param text a whole number and a unit ({@code ms}, {@code s}, {@code m}, {@code h} or {@code d}); leading and
     *             trailing spaces are ignored
     * @return the duration, at most {@link #MAX}
     * @throws IllegalArgumentException with the bad text, for anything else
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "duration must be a whole number and a unit (ms, s, m, h, d), like 300ms, 45s, 5m or 1h: '"
                            + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new AssertionError(matcher.group(2));
        };
        if (duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("duration must be at most 365d: '" + text + "'");
        }
        return duration;
    }

    /**
     * The shortest exact text that {@link #parse} reads back as {@code duration}.
     *
     * @param duration the duration; parts finer than a millisecond are dropped
     * @return the text, e.g. {@code 5m} or {@code 300ms}
     */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis > 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
