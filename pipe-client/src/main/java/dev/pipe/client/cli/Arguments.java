package dev.pipe.client.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A command line: its flags with values ({@code --n 8}), and its other words in order. */
final class Arguments {

    /** A flag or value that cannot be used; the message is one line for the person who typed it. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([kmg]?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final Map<String, String> flags = new HashMap<>();
    private final List<String> words = new ArrayList<>();

    /** Reads {@code args}, taking only the flags in {@code known} (each with a value). */
    Arguments(List<String> args, Set<String> known) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--") || (arg.startsWith("-") && arg.length() > 1)) {
                String flag = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    flag = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                if (!known.contains(flag)) {
                    throw new UsageException("unknown option " + flag);
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(flag + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (flags.put(flag, value) != null) {
                    throw new UsageException(flag + " is given twice");
                }
            } else {
                words.add(arg);
            }
        }
    }

    List<String> words() {
        return words;
    }

    String text(String flag) {
        return flags.get(flag);
    }

    int count(String flag, int otherwise, int min, int max) throws UsageException {
        String value = flags.get(flag);
        if (value == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(flag + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    double number(String flag, double otherwise) throws UsageException {
        String value = flags.get(flag);
        if (value == null) {
            return otherwise;
        }
        try {
            double n = Double.parseDouble(value);
            if (n > 0 && !Double.isInfinite(n)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(flag + " must be a number above 0, not '" + value + "'");
    }

    /** Bytes per second as pv writes them: {@code 50k} is 50 KiB, {@code 2m} 2 MiB; 0 when absent. */
    long rate(String flag) throws UsageException {
        String value = flags.get(flag);
        if (value == null) {
            return 0;
        }
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new UsageException(flag + " must be bytes per second such as 50k or 2m, not '" + value + "'");
        }
        int power = "kmg".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        long bytes = (long) (Double.parseDouble(m.group(1)) * Math.pow(1024, power));
        if (bytes < 1) {
            throw new UsageException(flag + " must be at least 1 byte per second");
        }
        return bytes;
    }

    Duration duration(String flag, Duration otherwise) throws UsageException {
        String value = flags.get(flag);
        if (value == null) {
            return otherwise;
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new UsageException(flag + " must be a duration such as 300ms, 5s, 2m or 1h, not '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    LocalTime timeOfDay(String flag) throws UsageException {
        String value = flags.get(flag);
        if (value == null) {
            return null;
        }
        try {
            return LocalTime.parse(value.length() == 5 ? value + ":00" : value);
        } catch (DateTimeParseException e) {
            throw new UsageException(flag + " must be a time of day such as 07:20 or 07:20:30, not '" + value + "'");
        }
    }

    Path readableFile(String flag) throws UsageException {
        String value = flags.get(flag);
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException(flag + ": cannot read '" + value + "'");
        }
        return path;
    }
}
