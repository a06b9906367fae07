package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeObserver;
import dev.pipe.core.TransferSummary;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.PipeState;
import dev.pipe.servlet.fake.FakeExchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the stepped servlet tests share: how each pipe ended, and running the callbacks the fakes owe. */
final class Stepped {

    static final String MAPPING = "/api/v1/pipe";

    private Stepped() {
    }

    /** An observer that records how each pipe ended. */
    static class Ends implements PipeObserver {
        private final Map<PipeKey, PipeState> ends = new ConcurrentHashMap<>();

        @Override
        public void onEnd(TransferSummary summary) {
            ends.put(summary.key(), summary.state());
        }

        /** How the pipe on {@code path} of {@code registry} ended; null while it has not. */
        PipeState of(PipeRegistry registry, String path) throws Exception {
            return ends.get(registry.key(path));
        }
    }

    /** Runs every owed callback of the exchanges, and what they owe in turn, until none is left. */
    static void runAll(FakeExchange... exchanges) {
        for (int round = 0; round < 1_000; round++) {
            boolean ran = false;
            for (FakeExchange exchange : exchanges) {
                ran |= exchange.steps().runAll() > 0;
            }
            if (!ran) {
                return;
            }
        }
        throw new AssertionError("callbacks still owed after 1,000 rounds: a loop");
    }

    /** No callback threw, and no status written was other than an HTTP status. */
    static void assertClean(FakeExchange... exchanges) {
        for (FakeExchange exchange : exchanges) {
            assertEquals(List.of(), exchange.input().callbackFailures(), "read callbacks threw");
            assertEquals(List.of(), exchange.output().callbackFailures(), "write callbacks threw");
            assertEquals(List.of(), exchange.invalidStatuses(), "a status that is no HTTP status");
        }
    }
}
