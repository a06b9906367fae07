package dev.pipe.core;

import dev.pipe.core.text.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link PipeRegistry}. Start from {@link #defaults()} and change what you need:
 *
 * <pre>{@code
 * PipeConfig config = PipeConfig.defaults()
 *         .withJoinTimeout(Duration.ofMinutes(2))
 *         .withSlowReceiver(SlowReceiverPolicy.dropAfter(Duration.ofSeconds(30)));
 * }</pre>
 *
 * @param joinTimeout  how long a pipe may wait for its sender and receivers before it expires (default 5 minutes)
 * @param idleTimeout  how long an established pipe may move no byte before it fails (default 1 hour), so that a
 *                     sender paused with ctrl-Z keeps its pipe
 * @param maxReceivers the largest {@code n} a party may ask for (default and hard cap {@value #RECEIVERS_CAP})
 * @param chunkSize    the most bytes one pipe holds in flight: the size of the sender's read buffer (default 64 KiB)
 * @param slowReceiver what to do with a receiver that stops taking bytes (default {@link SlowReceiverPolicy#block()})
 * @param maxPathBytes the longest pipe path, in UTF-8 bytes (default 1024)
 * @param window       how many chunks a pipe may hold: 1 (default), the next chunk is read only once every receiver
 *                     has taken the current one; 2, the next is read while the current one is being written (it
 *                     did not pay off in docs/BENCHMARKS.md, hence the default). Either
 *                     way a chunk goes to the receivers only once all of them took the one before, so no receiver is
 *                     ever more than one chunk ahead of another (PROTOCOL.md section 6); the core hands on one chunk
 *                     at a time, and the window is the adapter's read-ahead
 * @param maxPipes     the most pipes, waiting or streaming, the registry holds at once (default 20,000); past it a new
 *                     pipe is refused ({@code TOO_MANY_PIPES}) and the existing ones are untouched
 * @param maxWaitingPerClient the most parties one client (as the adapter names it: its address) may have waiting in
 *                     pipes not yet established (default 0: no limit); past it a party is refused
 *                     ({@code TOO_MANY_WAITING})
 */
public record PipeConfig(Duration joinTimeout, Duration idleTimeout, int maxReceivers, int chunkSize,
                         SlowReceiverPolicy slowReceiver, int maxPathBytes, int window, int maxPipes,
                         int maxWaitingPerClient) {

    /** The hard cap on the number of receivers of one pipe. */
    public static final int RECEIVERS_CAP = 256;

    private static final PipeConfig DEFAULTS = new PipeConfig(Duration.ofMinutes(5), Duration.ofHours(1),
            RECEIVERS_CAP, 64 * 1024, SlowReceiverPolicy.block(), 1024, 1, 20_000, 0);

    /**
     * Checks every setting against its range; the meaning of each is in the class comment.
     *
     * @param joinTimeout         positive, at most 365 days
     * @param idleTimeout         positive, at most 365 days
     * @param maxReceivers        from 1 to {@value #RECEIVERS_CAP}
     * @param chunkSize           at least 1
     * @param slowReceiver        not null
     * @param maxPathBytes        at least 1
     * @param window              1 or 2
     * @param maxPipes            at least 1
     * @param maxWaitingPerClient at least 0 (0: no limit)
     * @throws NullPointerException     when a timeout or the slow-receiver policy is null
     * @throws IllegalArgumentException when a setting is out of its range; the message names it
     */
    public PipeConfig {
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(slowReceiver, "slowReceiver");
        requirePositive(joinTimeout, "joinTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        if (maxReceivers < 1 || maxReceivers > RECEIVERS_CAP) {
            throw new IllegalArgumentException("maxReceivers must be from 1 to " + RECEIVERS_CAP + ": " + maxReceivers);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize < 1: " + chunkSize);
        }
        if (maxPathBytes < 1) {
            throw new IllegalArgumentException("maxPathBytes < 1: " + maxPathBytes);
        }
        if (window < 1 || window > 2) {
            throw new IllegalArgumentException("window must be 1 or 2: " + window);
        }
        if (maxPipes < 1) {
            throw new IllegalArgumentException("maxPipes < 1: " + maxPipes);
        }
        if (maxWaitingPerClient < 0) {
            throw new IllegalArgumentException("maxWaitingPerClient < 0 (0: no limit): " + maxWaitingPerClient);
        }
    }

    /**
     * The defaults: join window 5m, idle timeout 1h, up to 256 receivers, 64 KiB chunks, block, paths to 1 KiB,
     * window 1, 20,000 pipes, no limit of waiting parties per client.
     *
     * @return the default settings
     */
    public static PipeConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with the join timeout set to {@code value}; see {@link #joinTimeout()}.
     *
     * @param value how long a pipe may wait for its parties; positive, at most 365 days
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withJoinTimeout(Duration value) {
        return new PipeConfig(value, idleTimeout, maxReceivers, chunkSize, slowReceiver, maxPathBytes, window, maxPipes,
                maxWaitingPerClient);
    }

    /**
     * A copy with the idle timeout set to {@code value}; see {@link #idleTimeout()}.
     *
     * @param value how long an established pipe may move no byte; positive, at most 365 days
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withIdleTimeout(Duration value) {
        return new PipeConfig(joinTimeout, value, maxReceivers, chunkSize, slowReceiver, maxPathBytes, window, maxPipes,
                maxWaitingPerClient);
    }

    /**
     * A copy with the largest number of receivers set to {@code value}; see {@link #maxReceivers()}.
     *
     * @param value the largest {@code n} a party may ask for, from 1 to {@value #RECEIVERS_CAP}
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withMaxReceivers(int value) {
        return new PipeConfig(joinTimeout, idleTimeout, value, chunkSize, slowReceiver, maxPathBytes, window, maxPipes,
                maxWaitingPerClient);
    }

    /**
     * A copy with the chunk size set to {@code value}; see {@link #chunkSize()}.
     *
     * @param value the most bytes one pipe holds in flight; at least 1
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withChunkSize(int value) {
        return new PipeConfig(joinTimeout, idleTimeout, maxReceivers, value, slowReceiver, maxPathBytes, window,
                maxPipes, maxWaitingPerClient);
    }

    /**
     * A copy with the slow-receiver policy set to {@code value}; see {@link #slowReceiver()}.
     *
     * @param value what to do with a receiver that stops taking bytes; not null
     * @return a new config; this one is unchanged
     * @throws NullPointerException when {@code value} is null
     */
    public PipeConfig withSlowReceiver(SlowReceiverPolicy value) {
        return new PipeConfig(joinTimeout, idleTimeout, maxReceivers, chunkSize, value, maxPathBytes, window, maxPipes,
                maxWaitingPerClient);
    }

    /**
     * A copy with the longest pipe path set to {@code value}; see {@link #maxPathBytes()}.
     *
     * @param value the longest pipe path, in UTF-8 bytes; at least 1
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withMaxPathBytes(int value) {
        return new PipeConfig(joinTimeout, idleTimeout, maxReceivers, chunkSize, slowReceiver, value, window, maxPipes,
                maxWaitingPerClient);
    }

    /**
     * A copy with the window set to {@code value}; see {@link #window()}.
     *
     * @param value how many chunks a pipe may hold: 1 or 2
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withWindow(int value) {
        return new PipeConfig(joinTimeout, idleTimeout, maxReceivers, chunkSize, slowReceiver, maxPathBytes, value,
                maxPipes, maxWaitingPerClient);
    }

    /**
     * A copy with the most pipes set to {@code value}; see {@link #maxPipes()}.
     *
     * @param value the most pipes the registry holds at once; at least 1
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withMaxPipes(int value) {
        return new PipeConfig(joinTimeout, idleTimeout, maxReceivers, chunkSize, slowReceiver, maxPathBytes, window,
                value, maxWaitingPerClient);
    }

    /**
     * A copy with the most waiting parties per client set to {@code value}; see {@link #maxWaitingPerClient()}.
     *
     * @param value the most parties one client may have waiting; 0 for no limit
     * @return a new config; this one is unchanged
     * @throws IllegalArgumentException when {@code value} is out of range
     */
    public PipeConfig withMaxWaitingPerClient(int value) {
        return new PipeConfig(joinTimeout, idleTimeout, maxReceivers, chunkSize, slowReceiver, maxPathBytes, window,
                maxPipes, value);
    }

    private static void requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero() || value.compareTo(Durations.MAX) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most 365 days: " + value);
        }
    }
}
