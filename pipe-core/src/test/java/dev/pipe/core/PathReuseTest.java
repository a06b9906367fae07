package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A path is free again as soon as its sender's stream has ended: a receiver that has every byte may come back for
 * the next transfer at once, while the pipe before is still writing or completing; that pipe still counts until it
 * ends. Step by step, in memory.
 */
class PathReuseTest {

    private final Harness h = new Harness();

    /** The sender announced 10 bytes and sent them: the path is free before the receivers' writes are done. */
    @Test
    void theChunkThatCompletesAnAnnouncedLengthFreesThePath() throws PipeException {
        RecordingReceiver first = h.receiver(1);
        ScriptedSender sender = h.sender(h.key, 1, new TransferInfo(10, Map.of()));
        sender.sendChunk("0123456789");
        assertNull(h.registry.state(h.key), "the path is free while the last write is under way");
        assertEquals(1, h.registry.size(), "the pipe still counts");

        RecordingReceiver next = h.receiver(1);
        assertEquals(PipeState.WAITING, h.registry.state(h.key), "the next receiver waits in a new pipe");
        assertEquals(2, h.registry.size());

        first.completeWrite();
        sender.end();
        first.completeWrite(); // its complete()
        first.assertCompletedWith("0123456789");
        sender.assertFinished();
        assertEquals(1, h.registry.size(), "the pipe before is forgotten when it ends, the new one stays");
        assertEquals(PipeState.WAITING, h.registry.state(h.key));

        ScriptedSender again = h.sender(h.key, 1, TransferInfo.UNKNOWN);
        again.sendChunk("next");
        next.completeWrite();
        again.end();
        next.completeWrite();
        next.assertCompletedWith("next");
        h.assertNothingLeft();
    }

    /** Without a length the stream's end frees the path, before any receiver is completed. */
    @Test
    void theEndOfAStreamOfUnknownLengthFreesThePath() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.sender().sendChunk("bytes");
        h.completeAllWrites(pipe.receivers());
        assertEquals(PipeState.STREAMING, h.registry.state(h.key), "more may come: the path is held");
        assertTrue(expectRefusal(), "a newcomer on a streaming pipe is refused");

        pipe.sender().end();
        assertNull(h.registry.state(h.key), "the stream has ended: the path is free before the completes");
        ScriptedSender next = h.sender(1);
        assertEquals(PipeState.WAITING, h.registry.state(h.key));

        h.completeAllWrites(pipe.receivers());
        pipe.rx(1).assertCompletedWith("bytes");
        pipe.rx(2).assertCompletedWith("bytes");
        next.abort();
        h.assertNothingLeft();
    }

    /** A pipe whose path is free still ends by the registry's close and is still waited for by awaitEmpty. */
    @Test
    void aFinishingPipeIsStillClosedAndAwaited() throws Exception {
        Harness.Established pipe = h.establish(1);
        pipe.sender().sendChunk("last");
        pipe.rx(1).completeWrite();
        pipe.sender().end();
        assertNull(h.registry.state(h.key));
        assertFalse(h.registry.awaitEmpty(Duration.ZERO), "the finishing pipe is still there");
        assertEquals(new PipeRegistry.Census(0, 1, 0), h.registry.census(), "and it streams");

        h.registry.close();
        pipe.rx(1).completeWrite(); // the complete() it was given before the close
        assertTrue(h.registry.awaitEmpty(Duration.ZERO));
        assertEquals(List.of(), pipe.rx(1).aborts(), "its receiver had every byte and its end");
        h.assertNothingLeft();
    }

    /** A pipe that fails after its stream ended (its one receiver gone on the last write) is forgotten once. */
    @Test
    void aPipeFailingAfterItsPathWasFreedIsForgottenOnce() throws PipeException {
        ScriptedSender sender = h.sender(h.key, 1, new TransferInfo(4, Map.of()));
        RecordingReceiver rx = h.receiver(1);
        sender.sendChunk("last");
        RecordingReceiver next = h.receiver(1);
        rx.failWrite();
        sender.assertFailed(Reason.ALL_RECEIVERS_ABORTED);
        assertEquals(1, h.registry.size(), "only the new pipe is left");
        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        next.disconnect();
        h.assertNothingLeft();
    }

    private boolean expectRefusal() {
        try {
            h.receiver(2);
            return false;
        } catch (PipeException refused) {
            return refused.reason() == Reason.ALREADY_ESTABLISHED;
        }
    }
}
