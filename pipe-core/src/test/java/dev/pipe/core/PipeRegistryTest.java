package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registry validates what a party asks for before it touches any pipe, and refuses everyone once closed. */
class PipeRegistryTest {

    private final Harness h = new Harness();

    // ---------------------------------------------------------------- the number of receivers

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 8, 255, 256})
    void oneToTheDefaultCapOfReceiversIsAccepted(int n) throws PipeException {
        h.sender(n);
        assertEquals(1, h.registry.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 257, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void receiversOutsideOneToTheDefaultCapAreRefusedInTheEnginesOwnWords(int n) {
        PipeException refused = assertThrows(PipeException.class, () -> h.receiver(n));
        assertEquals(Reason.INVALID_RECEIVERS, refused.reason());
        assertEquals("The number of receivers must be from 1 to 256, not " + n + ".", refused.getMessage());
        assertEquals(0, h.registry.size(), "a refused party creates no pipe");
    }

    @Test
    void maxReceiversConfigLowersTheCap() throws PipeException {
        Harness small = new Harness(PipeConfig.defaults().withMaxReceivers(8));
        small.sender(8);
        PipeException refused = assertThrows(PipeException.class, () -> small.receiver(9));
        assertEquals(Reason.INVALID_RECEIVERS, refused.reason());
        assertTrue(refused.getMessage().contains("from 1 to 8, not 9"), refused.getMessage());
        assertThrows(PipeException.class, () -> small.sender(9));
        assertEquals(1, small.registry.size(), "a refused party creates no pipe");
    }

    @Test
    void partyWithInvalidNCreatesNoPipe() {
        assertThrows(PipeException.class, () -> h.sender(0));
        assertThrows(PipeException.class, () -> h.receiver(257));
        assertEquals(0, h.registry.size());
        assertEquals(0, h.scheduler.pending());
    }

    // ---------------------------------------------------------------- keys

    @Test
    void emptyPathIsNotAKey() {
        PipeException refused = assertThrows(PipeException.class, () -> h.registry.key(""));
        assertEquals(Reason.INVALID_KEY, refused.reason());
    }

    @Test
    void pathUpToTheByteLimitIsAKeyAndOneByteMoreIsNot() throws PipeException {
        Harness limited = new Harness(PipeConfig.defaults().withMaxPathBytes(10));
        assertEquals("abcdefghij", limited.registry.key("abcdefghij").path());
        PipeException refused = assertThrows(PipeException.class, () -> limited.registry.key("abcdefghijk"));
        assertEquals(Reason.KEY_TOO_LONG, refused.reason());
        assertEquals("The pipe path is 11 bytes long; the limit is 10.", refused.getMessage());
    }

    @Test
    void defaultPathLimitIs1024Bytes() throws PipeException {
        assertEquals(1024, h.registry.key("p".repeat(1024)).path().length());
        PipeException refused = assertThrows(PipeException.class, () -> h.registry.key("p".repeat(1025)));
        assertEquals(Reason.KEY_TOO_LONG, refused.reason());
    }

    @Test
    void pathLimitCountsUtf8Bytes() throws PipeException {
        Harness limited = new Harness(PipeConfig.defaults().withMaxPathBytes(7));
        assertEquals("日本", limited.registry.key("日本").path()); // two characters, six bytes
        PipeException refused = assertThrows(PipeException.class, () -> limited.registry.key("日本語"));
        assertEquals(Reason.KEY_TOO_LONG, refused.reason());
        assertEquals("The pipe path is 9 bytes long; the limit is 7.", refused.getMessage());
    }

    @Test
    void keysCompareExactlyAndCaseSensitively() throws PipeException {
        assertEquals(h.registry.key("team/a/replay"), h.registry.key("team/a/replay"));
        assertEquals(h.registry.key("x").hashCode(), h.registry.key("x").hashCode());
        assertNotEquals(h.registry.key("Replay"), h.registry.key("replay"));
        assertNotEquals(h.registry.key("replay/"), h.registry.key("replay"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"replay", "team/a/replay", "secret-9c1e-launch-codes", "日本語のパス", "a b c", "0123456789"})
    void keyToStringNeverShowsThePath(String path) throws PipeException {
        PipeKey key = h.registry.key(path);
        assertFalse(key.toString().contains(path), key.toString());
        assertTrue(key.toString().matches("#[0-9a-f]{6}"), key.toString());
        assertEquals(key.hash(), key.toString());
        assertEquals(path, key.path());
    }

    @Test
    void pipeToStringNeverShowsThePath() throws PipeException {
        ScriptedSender sender = h.sender(1);
        assertFalse(h.registry.toString().contains(Harness.PATH));
        Pipe pipe = new Pipe(h.key, 1, PipeConfig.defaults(), h.scheduler, new Observers(), new WaitingCounts(0),
                new Pipe.Registration() {
                    @Override
                    public void pathFree(Pipe pipe) {
                    }

                    @Override
                    public void ended(Pipe pipe) {
                    }
                });
        assertFalse(pipe.toString().contains(Harness.PATH), pipe.toString());
        assertTrue(pipe.toString().contains(h.key.hash()), pipe.toString());
        pipe.shutdown(false);
        sender.abort();
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeFailsEveryPipeAndRefusesNewParties() throws PipeException {
        ScriptedSender waiting = h.sender(2);
        RecordingReceiver waitingReceiver = h.receiver(2);
        PipeKey other = h.key("other");
        RecordingReceiver rx = h.receiver(other, 1);
        ScriptedSender streaming = h.sender(other, 1);
        streaming.sendChunk("in flight");

        h.registry.close();

        waiting.assertFailed(Reason.SHUTTING_DOWN);
        waitingReceiver.assertAborted(Reason.SHUTTING_DOWN);
        streaming.assertFailed(Reason.SHUTTING_DOWN);
        rx.assertAborted(Reason.SHUTTING_DOWN);
        assertEquals(1, h.buffers.outstanding(), "the chunk waits for the write the port has started");
        rx.failWrite();
        assertEquals(0, h.registry.size());

        PipeException refused = assertThrows(PipeException.class, () -> h.receiver(1));
        assertEquals(Reason.SHUTTING_DOWN, refused.reason());
        assertThrows(PipeException.class, () -> h.sender(1));
        h.registry.close(); // idempotent
        h.assertNothingLeft();
    }
}
