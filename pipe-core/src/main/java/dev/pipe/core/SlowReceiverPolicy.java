package dev.pipe.core;

import dev.pipe.core.text.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * What a pipe does with a receiver that stops taking bytes while the others wait for it.
 *
 * <ul>
 *   <li>{@link #block()} (the default): the slowest receiver sets the pace of everyone, as it must for a
 *       replay that every reader sees in full.</li>
 *   <li>{@link #dropAfter(Duration)}: a receiver that has not taken the chunk in flight for that long after another
 *       receiver took it (so, for one chunk, of {@link PipeConfig#chunkSize()} bytes at most) is dropped, as if it had
 *       gone away, and the others carry on.</li>
 * </ul>
 */
public final class SlowReceiverPolicy {

    private static final SlowReceiverPolicy BLOCK = new SlowReceiverPolicy(null);

    private final Duration dropAfter; // null: block

    private SlowReceiverPolicy(Duration dropAfter) {
        this.dropAfter = dropAfter;
    }

    /**
     * The slowest receiver governs.
     *
     * @return the policy that never drops a receiver
     */
    public static SlowReceiverPolicy block() {
        return BLOCK;
    }

    /**
     * A receiver stalled for {@code limit} while others wait is dropped.
     *
     * @param limit how long a receiver may hold up the others; positive, at most 365 days
     * @return the policy that drops such a receiver
     * @throws IllegalArgumentException when {@code limit} is out of range
     */
    public static SlowReceiverPolicy dropAfter(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero() || limit.compareTo(Durations.MAX) > 0) {
            throw new IllegalArgumentException("drop-after limit must be positive and at most 365 days: " + limit);
        }
        return new SlowReceiverPolicy(limit);
    }

    /**
     * Reads {@code block} or {@code drop-after=<duration>}, with durations as {@link Durations#parse} reads them.
     *
     * @param text the policy as {@link #toString()} writes it; leading and trailing spaces are ignored
     * @return the policy
     * @throws IllegalArgumentException with the bad text, for anything else
     */
    public static SlowReceiverPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        String value = text.trim();
        if (value.equals("block")) {
            return BLOCK;
        }
        if (value.startsWith("drop-after=")) {
            return dropAfter(Durations.parse(value.substring("drop-after=".length())));
        }
        throw new IllegalArgumentException("slow-receiver policy must be 'block' or 'drop-after=<duration>': " + text);
    }

    /**
     * True when the slowest receiver governs.
     *
     * @return true for {@link #block()}, false for {@link #dropAfter(Duration)}
     */
    public boolean isBlock() {
        return dropAfter == null;
    }

    /**
     * The limit of {@link #dropAfter(Duration)}; {@code null} for {@link #block()}.
     *
     * @return how long a receiver may hold up the others, or null when it may for ever
     */
    public Duration dropAfter() {
        return dropAfter;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SlowReceiverPolicy that && Objects.equals(dropAfter, that.dropAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(dropAfter);
    }

    @Override
    public String toString() {
        return dropAfter == null ? "block" : "drop-after=" + Durations.format(dropAfter);
    }
}
