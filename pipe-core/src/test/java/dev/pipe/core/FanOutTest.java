package dev.pipe.core;

import static dev.pipe.core.Harness.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import dev.pipe.core.testing.TrackingBuffers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every chunk reaches every remaining receiver, exactly and in order, with one chunk in flight per pipe. */
class FanOutTest {

    private final Harness h = new Harness();

    @Test
    void oneChunkInFlightUntilEveryReceiverHasWrittenIt() throws PipeException {
        Harness.Established pipe = h.establish(2);
        ScriptedSender sender = pipe.sender();

        TrackingBuffers.Loan chunk = sender.sendChunk("abc");
        assertTrue(pipe.rx(1).hasPendingWrite());
        assertTrue(pipe.rx(2).hasPendingWrite());
        assertEquals(0, sender.outstandingDemands());
        assertFalse(chunk.isReleased());

        pipe.rx(1).completeWrite();
        assertFalse(chunk.isReleased(), "rx2 still writes");
        assertEquals(0, sender.outstandingDemands());

        pipe.rx(2).completeWrite();
        assertTrue(chunk.isReleased());
        assertEquals(1, sender.outstandingDemands());
        List<String> events = sender.events();
        assertEquals(List.of("chunk", "release", "demand"), events.subList(events.size() - 3, events.size()),
                "released before the next demand");

        sender.end();
        h.completeAllWrites(pipe.receivers());
        h.assertNothingLeft();
    }

    @Test
    void everyReceiverGetsExactlyTheSendersBytesInOrder() throws PipeException {
        Harness.Established pipe = h.establish(3);
        pipe.receivers().forEach(rx -> rx.autoComplete(true));
        Random random = new Random(42);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            byte[] chunk = new byte[1 + random.nextInt(3000)];
            random.nextBytes(chunk);
            sent.writeBytes(chunk);
            pipe.sender().sendChunk(chunk);
        }
        pipe.sender().end();

        pipe.receivers().forEach(rx -> rx.assertCompletedWith(sent.toByteArray()));
        pipe.receivers().forEach(rx -> assertEquals(50, rx.writeSizes().size()));
        assertEquals(51, pipe.sender().demands());
        pipe.sender().assertFinished();
        h.assertNothingLeft();
    }

    @Test
    void eachReceiverWritesItsOwnViewOfTheChunk() throws PipeException {
        Harness.Established pipe = h.establish(3);
        ScriptedSender sender = pipe.sender();

        // rx1's write moves its view's position to the limit; rx2 and rx3 must still see every byte
        TrackingBuffers.Loan chunk = sender.sendChunk("shared bytes");
        pipe.receivers().forEach(rx -> assertEquals(List.of(12), rx.writeSizes()));
        // and the sender's own buffer is not moved either
        assertEquals(12, chunk.buffer().remaining());

        h.completeAllWrites(pipe.receivers());
        sender.end();
        h.completeAllWrites(pipe.receivers());
        pipe.receivers().forEach(rx -> rx.assertCompletedWith("shared bytes"));
        h.assertNothingLeft();
    }

    @Test
    void writesHonourTheChunksPositionAndLimit() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);
        ByteBuffer buffer = ByteBuffer.wrap(utf8("xxhelloyy")).position(2).limit(7);
        boolean[] released = new boolean[1];
        pipe.sender().handle().onChunk(buffer, new Completion() {
            @Override
            public void succeeded() {
                released[0] = true;
            }

            @Override
            public void failed(Throwable cause) {
                throw new AssertionError(cause);
            }
        });
        pipe.sender().end();
        pipe.rx(1).assertCompletedWith("hello");
        assertTrue(released[0]);
        h.assertNothingLeft();
    }

    @Test
    void emptyChunkIsReleasedAtOnceAndDemandRepeats() throws PipeException {
        Harness.Established pipe = h.establish(2);
        ScriptedSender sender = pipe.sender();

        TrackingBuffers.Loan empty = sender.sendChunk(new byte[0]);
        assertTrue(empty.isReleased());
        assertEquals(2, sender.demands());
        assertEquals(1, sender.outstandingDemands());
        pipe.receivers().forEach(rx -> assertFalse(rx.hasPendingWrite()));
        pipe.receivers().forEach(rx -> assertEquals(List.of(), rx.writeSizes()));

        sender.sendChunk("after");
        h.completeAllWrites(pipe.receivers());
        sender.end();
        h.completeAllWrites(pipe.receivers());
        pipe.receivers().forEach(rx -> rx.assertCompletedWith("after"));
        h.assertNothingLeft();
    }

    @Test
    void endCompletesEveryReceiverThenFinishesTheSender() throws PipeException {
        Harness.Established pipe = h.establish(2);
        ScriptedSender sender = pipe.sender();
        sender.sendChunk("all");
        h.completeAllWrites(pipe.receivers());

        sender.end();
        assertEquals(1, pipe.rx(1).completes());
        assertEquals(1, pipe.rx(2).completes());
        assertEquals("Sent successfully!", sender.lines().get(sender.lines().size() - 1));
        assertFalse(sender.isFinished());

        pipe.rx(1).completeWrite();
        assertFalse(sender.isFinished(), "rx2 has not finished");
        assertEquals(1, h.registry.size());

        pipe.rx(2).completeWrite();
        sender.assertFinished();
        List<String> lines = sender.lines();
        assertEquals(List.of("Sent successfully!", "All receiver(s) was/were received successfully."),
                lines.subList(lines.size() - 3, lines.size() - 1));
        assertTrue(lines.get(lines.size() - 1).startsWith("Done: 3 B to 2 receiver(s) in "), lines.toString());
        pipe.receivers().forEach(rx -> rx.assertCompletedWith("all"));
        h.assertNothingLeft();
    }

    @Test
    void onChunkWithoutDemandIsAnAdapterBug() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.sender().sendChunk("one");
        TrackingBuffers.Loan extra = h.buffers.lend(utf8("two"));
        assertThrows(IllegalStateException.class,
                () -> pipe.sender().handle().onChunk(extra.buffer(), extra.release()));
        assertFalse(extra.isReleased(), "a refused chunk stays the adapter's");
        extra.release().succeeded();

        pipe.rx(1).autoComplete(true);
        pipe.sender().end();
        pipe.rx(1).assertCompletedWith("one");
        h.assertNothingLeft();
    }

    @Test
    void synchronousAnswersLoopInsteadOfRecursing() throws PipeException {
        // 20 000 chunks answered from inside demand() and written from inside write(): a recursive core would
        // overflow the stack
        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        ScriptedSender sender = new ScriptedSender(h.buffers);
        byte[][] chunks = new byte[20_000][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = new byte[] {(byte) i};
        }
        sender.script(chunks).scriptEnd();
        sender.attach(h.registry.attachSender(h.key, 1, TransferInfo.UNKNOWN, sender));

        sender.assertFinished();
        assertEquals(20_000, rx.bytes().length);
        assertEquals((byte) 19_999, rx.bytes()[19_999]);
        rx.assertNoViolations();
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- receivers that go away

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {2, 3})
    void receiverAbortMidStreamLeavesTheOthersExactBytes(int n) throws PipeException {
        Harness.Established pipe = h.establish(n);
        ScriptedSender sender = pipe.sender();
        sender.sendChunk("one ");
        h.completeAllWrites(pipe.receivers());

        pipe.rx(1).disconnect();
        assertEquals(1, Collections.frequency(sender.lines(), "A receiver aborted."));
        assertEquals(1, sender.outstandingDemands(), "the others carry on");

        sender.sendChunk("two");
        assertFalse(pipe.rx(1).hasPendingWrite());
        h.completeAllWrites(pipe.receivers());
        sender.end();
        h.completeAllWrites(pipe.receivers());

        pipe.rx(1).assertReceived("one ");
        pipe.rx(1).assertNoOutcome();  // it went by itself: nobody tells it
        pipe.receivers().subList(1, n).forEach(rx -> rx.assertCompletedWith("one two"));
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        assertEquals((n - 1) + " of " + n + " receivers got every byte; 1 left at 4 B.",
                sender.assertFailed(PipeException.Reason.RECEIVERS_LOST).getMessage());
        assertEquals(1, Collections.frequency(sender.lines(), "A receiver aborted."));
        assertFalse(sender.lines().contains("All receiver(s) was/were aborted halfway."));
        h.assertNothingLeft();
    }

    /** The reference counts one receiver's abort twice (write error and close), which kills a healthy transfer. */
    @ParameterizedTest(name = "n={0}, disconnect first: {1}")
    @CsvSource({"2,true", "2,false", "3,true", "3,false"})
    void receiverReportedGoneTwiceCountsOnce(int n, boolean disconnectFirst) throws PipeException {
        Harness.Established pipe = h.establish(n);
        ScriptedSender sender = pipe.sender();
        TrackingBuffers.Loan chunk = sender.sendChunk("one ");
        pipe.receivers().subList(1, n).forEach(RecordingReceiver::completeWrite);

        if (disconnectFirst) {
            pipe.rx(1).disconnect();
            assertFalse(chunk.isReleased(), "rx1's write is still under way");
            pipe.rx(1).failWrite(new IOException("broken pipe"));
        } else {
            pipe.rx(1).failWrite(new IOException("broken pipe"));
            pipe.rx(1).disconnect();
        }
        assertTrue(chunk.isReleased());
        assertEquals(1, Collections.frequency(sender.lines(), "A receiver aborted."));
        assertEquals(1, sender.outstandingDemands());

        sender.sendChunk("two");
        h.completeAllWrites(pipe.receivers());
        sender.end();
        h.completeAllWrites(pipe.receivers());
        pipe.receivers().subList(1, n).forEach(rx -> rx.assertCompletedWith("one two"));
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        sender.assertFailed(PipeException.Reason.RECEIVERS_LOST);
        pipe.rx(1).assertNoOutcome();
        h.assertNothingLeft();
    }

    @Test
    void lastReceiverGoneFailsTheSender() throws PipeException {
        Harness.Established pipe = h.establish(2);
        ScriptedSender sender = pipe.sender();
        sender.sendChunk("half");
        h.completeAllWrites(pipe.receivers());

        pipe.rx(1).disconnect();
        sender.assertNoOutcome();
        pipe.rx(2).disconnect();

        PipeException failure = sender.assertFailed(Reason.ALL_RECEIVERS_ABORTED);
        assertEquals("No receiver is left: the transfer was cut off.", failure.getMessage());
        List<String> lines = sender.lines();
        assertEquals(List.of("A receiver aborted.", "A receiver aborted.", "All receiver(s) was/were aborted halfway."),
                lines.subList(lines.size() - 3, lines.size()));
        pipe.receivers().forEach(RecordingReceiver::assertNoOutcome);
        // the outstanding demand may still be answered: the chunk comes straight back
        TrackingBuffers.Loan late = sender.sendChunk("late");
        assertTrue(late.isReleased());
        h.assertNothingLeft();
    }

    @Test
    void lastReceiverGoneWhileItsWriteIsUnderWayReleasesAfterTheWrite() throws PipeException {
        Harness.Established pipe = h.establish(1);
        ScriptedSender sender = pipe.sender();
        TrackingBuffers.Loan chunk = sender.sendChunk("data");

        pipe.rx(1).disconnect();
        sender.assertFailed(Reason.ALL_RECEIVERS_ABORTED);
        assertEquals(0, h.registry.size(), "the path is free at once");
        assertFalse(chunk.isReleased(), "the port still reads the chunk");

        pipe.rx(1).failWrite();
        assertTrue(chunk.isReleased());
        h.assertNothingLeft();
    }

    @Test
    void receiverThatDisconnectsWhileItsWriteIsUnderWayHoldsTheReleaseUntilTheWriteEnds() throws PipeException {
        Harness.Established pipe = h.establish(2);
        ScriptedSender sender = pipe.sender();
        TrackingBuffers.Loan chunk = sender.sendChunk("abc");
        pipe.rx(1).completeWrite();

        pipe.rx(2).disconnect();
        assertEquals(1, Collections.frequency(sender.lines(), "A receiver aborted."));
        assertFalse(chunk.isReleased());
        assertEquals(0, sender.outstandingDemands());

        pipe.rx(2).completeWrite(); // a write may still succeed after the client went
        assertTrue(chunk.isReleased());
        assertEquals(1, sender.outstandingDemands());

        sender.sendChunk("def");
        assertFalse(pipe.rx(2).hasPendingWrite());
        h.completeAllWrites(pipe.receivers());
        sender.end();
        h.completeAllWrites(pipe.receivers());
        pipe.rx(1).assertCompletedWith("abcdef");
        pipe.rx(2).assertNoOutcome();
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        sender.assertFailed(PipeException.Reason.RECEIVERS_LOST);
        assertEquals(1, Collections.frequency(sender.lines(), "A receiver aborted."));
        h.assertNothingLeft();
    }

    @Test
    void receiverThatDisconnectsBeforeCompleteIsNotCompleted() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.sender().sendChunk("x");
        h.completeAllWrites(pipe.receivers());
        pipe.sender().end();
        pipe.rx(1).disconnect();
        pipe.rx(1).failWrite();
        pipe.rx(2).completeWrite();

        pipe.rx(2).assertCompletedWith("x");
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        pipe.sender().assertFailed(PipeException.Reason.RECEIVERS_LOST);
        List<String> lines = pipe.sender().lines();
        assertTrue(lines.contains("A receiver aborted."), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("Done: 1 B to 1 receiver(s)"), lines.toString());
        h.assertNothingLeft();
    }

    @Test
    void receiverPortThatThrowsIsDroppedAndTheOthersCarryOn() throws PipeException {
        RecordingReceiver good = h.receiver(2).autoComplete(true);
        ThrowingReceiver bad = new ThrowingReceiver();
        h.registry.attachReceiver(h.key, 2, bad);
        ScriptedSender sender = h.sender(2);

        sender.sendChunk("x");
        sender.end();
        good.assertCompletedWith("x");
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        sender.assertFailed(PipeException.Reason.RECEIVERS_LOST);
        assertEquals(1, Collections.frequency(sender.lines(), "A receiver aborted."));
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- the sender that goes away

    @Test
    void senderAbortMidStreamAbortsEveryReceiverAndReleasesAfterTheWritesUnderWay() throws PipeException {
        Harness.Established pipe = h.establish(3);
        ScriptedSender sender = pipe.sender();
        sender.sendChunk("first ");
        h.completeAllWrites(pipe.receivers());
        TrackingBuffers.Loan chunk = sender.sendChunk("second");
        pipe.rx(1).completeWrite();

        sender.abort();
        pipe.receivers().forEach(rx -> rx.assertAborted(Reason.SENDER_ABORTED));
        sender.assertFailed(Reason.SENDER_ABORTED);
        assertEquals(0, h.registry.size(), "the path is free at once");
        assertFalse(chunk.isReleased(), "rx2 and rx3 still write it");

        pipe.rx(2).failWrite();
        assertFalse(chunk.isReleased(), "rx3 still writes it");
        pipe.rx(3).completeWrite();
        assertTrue(chunk.isReleased());

        pipe.receivers().forEach(rx -> rx.assertReceived("first second"));
        pipe.receivers().forEach(rx -> assertEquals(0, rx.completes()));
        sender.abort(); // a second error does nothing
        assertEquals(1, sender.outcomes());
        h.assertNothingLeft();
    }

    @Test
    void senderAbortWithNoChunkInFlightAbortsEveryReceiverAtOnce() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.sender().sendChunk("x");
        h.completeAllWrites(pipe.receivers());

        pipe.sender().abort();
        PipeException reason = pipe.rx(1).assertAborted(Reason.SENDER_ABORTED);
        assertEquals("The sender aborted before the end of the stream.", reason.getMessage());
        pipe.rx(2).assertAborted(Reason.SENDER_ABORTED);
        h.assertNothingLeft();
    }

    @Test
    void aSenderStreamBrokenForWantOfMemoryFailsTheTransferAsTheServersNotTheSenders() throws PipeException {
        Harness.Established pipe = h.establish(2);
        ScriptedSender sender = pipe.sender();
        sender.sendChunk("x");
        h.completeAllWrites(pipe.receivers());

        sender.error(new IOException("no direct memory left for a read",
                new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory")));
        PipeException reason = pipe.rx(1).assertAborted(Reason.OUT_OF_MEMORY);
        assertEquals("The server has no memory left for this transfer: try again later.", reason.getMessage());
        pipe.rx(2).assertAborted(Reason.OUT_OF_MEMORY);
        sender.assertFailed(Reason.OUT_OF_MEMORY);
        assertEquals(0, h.registry.size(), "the path is free at once");
        h.assertNothingLeft();
    }

    /** Regression: a receiver whose complete() was under way when the sender went also got abort(SENDER_ABORTED). */
    @Test
    void senderLeavingAfterItsEndLetsTheReceiversFinish() throws PipeException {
        Harness.Established pipe = h.establish(3);
        ScriptedSender sender = pipe.sender();
        sender.sendChunk("every byte");
        h.completeAllWrites(pipe.receivers());
        sender.end();
        pipe.rx(1).completeWrite();

        sender.abort();
        assertEquals(1, h.registry.size(), "the stream had ended: the pipe carries on");
        pipe.receivers().forEach(rx -> assertEquals(List.of(), rx.aborts()));

        pipe.rx(2).completeWrite();
        pipe.rx(3).failWrite();
        pipe.rx(1).assertCompletedWith("every byte");
        pipe.rx(2).assertCompletedWith("every byte");
        pipe.rx(3).assertReceived("every byte");
        assertEquals(1, pipe.rx(3).outcomes(), "complete() only");
        assertEquals(0, h.registry.size());
        h.assertNothingLeft();
    }

    @Test
    void senderPortThatThrowsFailsTheTransfer() throws PipeException {
        List<RecordingReceiver> receivers = h.receivers(2, 2);
        SenderPort throwing = new SenderPort() {
            @Override
            public void report(Progress progress) {
            }

            @Override
            public void demand() {
                throw new IllegalStateException("adapter bug");
            }

            @Override
            public void finished() {
            }

            @Override
            public void failed(PipeException failure) {
            }
        };
        h.registry.attachSender(h.key, 2, TransferInfo.UNKNOWN, throwing);
        receivers.forEach(rx -> rx.assertAborted(Reason.SENDER_ABORTED));
        h.assertNothingLeft();
    }

    /** A receiver port whose every write throws, as a broken adapter might. */
    private static final class ThrowingReceiver implements ReceiverPort {
        @Override
        public void begin(TransferInfo info) {
        }

        @Override
        public void write(ByteBuffer chunk, Completion done) {
            throw new IllegalStateException("closed");
        }

        @Override
        public void complete(Completion done) {
            throw new AssertionError("never completed");
        }

        @Override
        public void abort(PipeException reason) {
            throw new AssertionError("it went by itself");
        }
    }
}
