package dev.pipe.core.text;

import java.util.Locale;

/** Byte counts for people: {@code 512 B}, {@code 50.0 KB}, {@code 1.2 MB} (decimal units, as {@code pv} prints). */
public final class Sizes {

    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    private Sizes() {
    }

    /**
     * A byte count: under 1000, a whole number of {@code B}; from 1000, one decimal in the largest of {@code KB},
     * {@code MB}, {@code GB} and {@code TB} that keeps the number at 1 or more.
     *
     * @param bytes a number of bytes (or of bytes per second)
     * @return the text, e.g. {@code 512 B} or {@code 1.2 MB}
     */
    public static String format(double bytes) {
        if (bytes < 1000) {
            return Math.round(bytes) + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
