package dev.pipe.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per finished transfer: INFO for a pipe that streamed or that its parties waited on in vain,
 * DEBUG for one abandoned before anyone waited long. It names the pipe by its key's short hash, never its path.
 */
final class TransferLog {

    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);

    private TransferLog() {
    }

    static void ended(PipeKey key, int expected, PipeState terminal, PipeState from, String summary, long bytes,
                      long tookMillis, PipeException failure) {
        if (terminal == PipeState.ABANDONED) {
            LOG.debug("{} abandoned", summary);
        } else if (from == PipeState.STREAMING) {
            LOG.info("pipe {} {}: {} receiver(s), {} bytes in {} ms{}", key, terminal, expected, bytes, tookMillis,
                    failure == null ? "" : " (" + failure.reason() + ")");
        } else {
            LOG.info("pipe {} {}: {}", key, terminal, failure == null ? "" : failure.getMessage());
        }
    }
}
