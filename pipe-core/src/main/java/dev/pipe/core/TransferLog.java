package dev.pipe.core;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per finished transfer, an observer like any other (every registry has it): INFO for a pipe that
 * streamed, and for one its parties waited on in vain (expired, or given up after a second or more); DEBUG for one
 * given up at once; WARN for one the server itself failed (no memory left for its buffers), which asks an operator
 * for more memory or smaller chunks. It names the pipe by its key's short hash, never its path. Logged under
 * {@code dev.pipe.core.Pipe}, the name an operator filters on.
 *
 * <pre>
 * pipe #d963d8 completed: n=3, 300051 bytes sent, 900153 delivered, waited 12 ms, streamed 46 ms
 * pipe #d963d8 expired: n=8, waited 60 s (The pipe was not established within 60 s: 2 of 8 receiver(s) did not come.)
 * </pre>
 */
final class TransferLog implements PipeObserver {

    static final TransferLog INSTANCE = new TransferLog();

    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);
    private static final Duration BRIEF = Duration.ofSeconds(1);

    private TransferLog() {
    }

    @Override
    public void onEnd(TransferSummary s) {
        String why = s.failure() == null ? "" : " (" + s.failure().getMessage() + ")";
        if (s.state() == PipeState.ABANDONED && s.waited().compareTo(BRIEF) < 0) {
            LOG.debug("pipe {} {}: n={}, waited {} ms", s.key(), s.outcome().tag(), s.receivers(),
                    s.waited().toMillis());
        } else if (s.streamed().isZero() && s.bytesSent() == 0) {
            LOG.info("pipe {} {}: n={}, waited {} ms{}", s.key(), s.outcome().tag(), s.receivers(),
                    s.waited().toMillis(), why);
        } else if (s.outcome() == TransferSummary.Outcome.OUT_OF_MEMORY) {
            LOG.warn("pipe {} {}: n={}, {} bytes sent, {} delivered, waited {} ms, streamed {} ms{}", s.key(),
                    s.outcome().tag(), s.receivers(), s.bytesSent(), s.bytesDelivered(), s.waited().toMillis(),
                    s.streamed().toMillis(), why);
        } else {
            LOG.info("pipe {} {}: n={}, {} bytes sent, {} delivered, waited {} ms, streamed {} ms{}", s.key(),
                    s.outcome().tag(), s.receivers(), s.bytesSent(), s.bytesDelivered(), s.waited().toMillis(),
                    s.streamed().toMillis(), why);
        }
    }
}
