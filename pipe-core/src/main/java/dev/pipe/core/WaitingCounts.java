package dev.pipe.core;

import dev.pipe.core.PipeException.Reason;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many parties each client has waiting in pipes not yet established ({@link PipeConfig#maxWaitingPerClient()}).
 * A party takes a {@link Ticket} as it joins and gives it back, once, when its pipe is established or ends or the
 * party leaves it while it waits. A client with nothing waiting has no entry, so the map holds only clients that
 * wait now.
 */
final class WaitingCounts {

    /** One waiting party's share of its client's count; giving it back twice counts once. */
    static final class Ticket {

        static final Ticket NONE = new Ticket(null, null);

        private final WaitingCounts counts;
        private final String client;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(WaitingCounts counts, String client) {
            this.counts = counts;
            this.client = client;
        }

        void release() {
            if (counts != null && released.compareAndSet(false, true)) {
                counts.counts.computeIfPresent(client, (c, count) -> count <= 1 ? null : count - 1);
            }
        }
    }

    private final int limit;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    WaitingCounts(int limit) {
        this.limit = limit;
    }

    /**
     * Counts one more waiting party of {@code client} (null: a client the adapter could not name, not counted).
     *
     * @throws PipeException {@code TOO_MANY_WAITING} when the client already has the limit waiting
     */
    Ticket acquire(String client) throws PipeException {
        if (limit <= 0 || client == null) {
            return Ticket.NONE;
        }
        boolean[] refused = new boolean[1];
        counts.compute(client, (c, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                refused[0] = true;
                return count;
            }
            return now + 1;
        });
        if (refused[0]) {
            throw new PipeException(Reason.TOO_MANY_WAITING, "Too many waiting pipes from your address (at most "
                    + limit + "): complete or cancel some first.");
        }
        return new Ticket(this, client);
    }

    /** The parties {@code client} has waiting. */
    int waiting(String client) {
        return counts.getOrDefault(client, 0);
    }
}
