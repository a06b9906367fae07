package dev.pipe.core;

import static dev.pipe.core.Harness.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pipe is established exactly when its sender and all n receivers are there, in any order, and refuses the rest. */
class RendezvousTest {

    private final Harness h = new Harness();

    // ---------------------------------------------------------------- arrival orders

    @Test
    void senderFirstWaitsThenStartsWhenTheLastReceiverArrives() throws PipeException {
        ScriptedSender sender = h.sender(2);
        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        assertEquals(List.of("Waiting for 2 receiver(s)..."), sender.lines());

        RecordingReceiver rx1 = h.receiver(2);
        assertEquals(0, sender.demands());
        assertFalse(rx1.isBegun());

        RecordingReceiver rx2 = h.receiver(2);
        assertEquals(PipeState.STREAMING, h.registry.state(h.key));
        assertTrue(rx1.isBegun());
        assertTrue(rx2.isBegun());
        assertEquals(1, sender.demands());
        assertEquals(List.of("Waiting for 2 receiver(s)...", "A receiver was connected.", "A receiver was connected.",
                "Start sending to 2 receiver(s)!"), sender.lines());
        sender.abort();
        h.assertNothingLeft();
    }

    @Test
    void receiversFirstStartAsSoonAsTheSenderArrivesEvenBeforeAttachReturns() throws PipeException {
        RecordingReceiver rx1 = h.receiver(2);
        RecordingReceiver rx2 = h.receiver(2);
        assertFalse(rx1.isBegun());

        ScriptedSender sender = new ScriptedSender(h.buffers);
        Sender handle = h.registry.attachSender(h.key, 2, TransferInfo.UNKNOWN, sender);
        // the demand came while attaching: the fixture only counted it
        assertEquals(1, sender.outstandingDemands());
        sender.attach(handle);

        assertTrue(rx1.isBegun());
        assertTrue(rx2.isBegun());
        assertEquals(List.of("Waiting for 2 receiver(s)...", "2 receiver(s) has/have been connected.",
                "Start sending to 2 receiver(s)!"), sender.lines());
        sender.end();
        h.completeAllWrites(List.of(rx1, rx2));
        sender.assertFinished();
        h.assertNothingLeft();
    }

    @Test
    void receiversGetTheSendersTransferInfo() throws PipeException {
        RecordingReceiver rx = h.receiver(1);
        TransferInfo info = new TransferInfo(5, Map.of("Content-Type", List.of("text/plain")));
        ScriptedSender sender = new ScriptedSender(h.buffers);
        sender.attach(h.registry.attachSender(h.key, 1, info, sender));
        assertEquals(info, rx.info());
        sender.abort();
        rx.assertAborted(Reason.SENDER_ABORTED);
        h.assertNothingLeft();
    }

    @Test
    void progressLinesSenderFirstMatchTheReference() throws PipeException {
        ScriptedSender sender = h.sender(1);
        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        sender.sendChunk("hello");
        sender.end();

        List<String> lines = sender.lines();
        assertEquals(List.of("Waiting for 1 receiver(s)...", "A receiver was connected.",
                "Start sending to 1 receiver(s)!", "Sent successfully!",
                "All receiver(s) was/were received successfully."), lines.subList(0, 5));
        assertEquals(6, lines.size(), lines::toString);
        assertTrue(lines.get(5).startsWith("Done: 5 B to 1 receiver(s) in "), lines.get(5));
        sender.assertFinished();
        rx.assertCompletedWith("hello");
        h.assertNothingLeft();
    }

    @Test
    void progressLinesReceiverFirstMatchTheReference() throws PipeException {
        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        ScriptedSender sender = h.sender(1);
        sender.sendChunk("hello");
        sender.end();

        List<String> lines = sender.lines();
        assertEquals(List.of("Waiting for 1 receiver(s)...", "1 receiver(s) has/have been connected.",
                "Start sending to 1 receiver(s)!", "Sent successfully!",
                "All receiver(s) was/were received successfully."), lines.subList(0, 5));
        assertEquals(6, lines.size(), lines::toString);
        sender.assertFinished();
        rx.assertCompletedWith("hello");
        h.assertNothingLeft();
    }

    @Test
    void progressLinesForReceiversOnBothSidesOfTheSender() throws PipeException {
        h.receiver(2);
        ScriptedSender sender = h.sender(2);
        h.receiver(2);
        assertEquals(List.of("Waiting for 2 receiver(s)...", "1 receiver(s) has/have been connected.",
                "A receiver was connected.", "Start sending to 2 receiver(s)!"), sender.lines());
        sender.abort();
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void receiverWithAnotherNIsRefusedAndThePipeIsUntouched() throws PipeException {
        ScriptedSender sender = h.sender(8);

        PipeException refused = assertThrows(PipeException.class, () -> h.receiver(3));
        assertEquals(Reason.RECEIVERS_MISMATCH, refused.reason());
        assertEquals("The number of receivers should be 8 but 3.", refused.getMessage());

        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        assertEquals(List.of("Waiting for 8 receiver(s)..."), sender.lines());
        List<RecordingReceiver> eight = h.receivers(8, 8);
        assertEquals(PipeState.STREAMING, h.registry.state(h.key));
        assertTrue(eight.stream().allMatch(RecordingReceiver::isBegun));
        sender.abort();
        h.assertNothingLeft();
    }

    @Test
    void senderWithAnotherNIsRefusedAndThePipeIsUntouched() throws PipeException {
        RecordingReceiver rx = h.receiver(8);

        PipeException refused = assertThrows(PipeException.class, () -> h.sender(3));
        assertEquals(Reason.RECEIVERS_MISMATCH, refused.reason());
        assertEquals("The number of receivers should be 8 but 3.", refused.getMessage());

        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        rx.assertNoOutcome();
        ScriptedSender sender = h.sender(8);
        assertEquals(List.of("Waiting for 8 receiver(s)...", "1 receiver(s) has/have been connected."),
                sender.lines());
        sender.abort();
        rx.assertNoOutcome();
        h.scheduler.advanceBy(PipeConfig.defaults().joinTimeout());
        rx.assertAborted(Reason.RENDEZVOUS_EXPIRED);
        h.assertNothingLeft();
    }

    @Test
    void secondSenderConflicts() throws PipeException {
        ScriptedSender first = h.sender(1);

        PipeException refused = assertThrows(PipeException.class, () -> h.sender(1));
        assertEquals(Reason.SENDER_CONFLICT, refused.reason());
        assertEquals("Another sender has been connected on '/replay'.", refused.getMessage());

        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        assertEquals(1, first.demands());
        first.sendChunk("first");
        first.end();
        rx.assertCompletedWith("first");
        h.assertNothingLeft();
    }

    @Test
    void receiverBeyondNIsRefused() throws PipeException {
        h.receivers(2, 2);

        PipeException refused = assertThrows(PipeException.class, () -> h.receiver(2));
        assertEquals(Reason.RECEIVERS_FULL, refused.reason());
        assertEquals("The number of receivers has reached limits.", refused.getMessage());
        assertEquals(PipeState.WAITING, h.registry.state(h.key));
    }

    @Test
    void anyPartyOnAnEstablishedPipeIsRefusedAndTheTransferGoesOn() throws PipeException {
        Harness.Established pipe = h.establish(1);

        PipeException sender = assertThrows(PipeException.class, () -> h.sender(1));
        PipeException receiver = assertThrows(PipeException.class, () -> h.receiver(1));
        PipeException otherN = assertThrows(PipeException.class, () -> h.receiver(2));
        for (PipeException refused : List.of(sender, receiver, otherN)) {
            assertEquals(Reason.ALREADY_ESTABLISHED, refused.reason());
            assertEquals("Connection on '/replay' has been established already.", refused.getMessage());
        }

        pipe.rx(1).autoComplete(true);
        pipe.sender().sendChunk("on");
        pipe.sender().end();
        pipe.rx(1).assertCompletedWith("on");
        pipe.sender().assertFinished();
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- the path is free again

    @Test
    void pathIsFreeAfterCompletion() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);
        pipe.sender().end();
        pipe.sender().assertFinished();
        assertNull(h.registry.state(h.key));

        ScriptedSender again = h.sender(1);
        assertEquals(List.of("Waiting for 1 receiver(s)..."), again.lines());
        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        again.sendChunk("again");
        again.end();
        rx.assertCompletedWith("again");
        h.assertNothingLeft();
    }

    @Test
    void pathIsFreeAfterFailure() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.sender().abort();
        pipe.receivers().forEach(rx -> rx.assertAborted(Reason.SENDER_ABORTED));
        assertNull(h.registry.state(h.key));

        h.receiver(1);
        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        ScriptedSender again = h.sender(1);
        assertEquals(PipeState.STREAMING, h.registry.state(h.key));
        again.abort();
        h.assertNothingLeft();
    }

    @Test
    void pathIsFreeAfterExpiry() throws PipeException {
        RecordingReceiver late = h.receiver(1);
        h.scheduler.advanceBy(PipeConfig.defaults().joinTimeout());
        late.assertAborted(Reason.RENDEZVOUS_EXPIRED);
        assertNull(h.registry.state(h.key));

        ScriptedSender sender = h.sender(1);
        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        sender.end();
        rx.assertCompletedWith("");
        h.assertNothingLeft();
    }

    @Test
    void otherPathsAreIndependent() throws PipeException {
        ScriptedSender replay = h.sender(1);
        ScriptedSender other = h.sender(h.key("team/a/replay"), 1);
        assertEquals(2, h.registry.size());
        h.receiver(h.key("team/a/replay"), 1);
        assertEquals(PipeState.STREAMING, h.registry.state(h.key("team/a/replay")));
        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        assertEquals(0, replay.demands());
        assertEquals(1, other.demands());
        replay.abort();
        other.abort();
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- waiting parties that leave

    @Test
    void waitingReceiverThatDisconnectsGivesBackItsSlot() throws PipeException {
        RecordingReceiver rx1 = h.receiver(2);
        RecordingReceiver rx2 = h.receiver(2);
        rx1.disconnect();

        RecordingReceiver rx3 = h.receiver(2);   // not RECEIVERS_FULL
        ScriptedSender sender = h.sender(2);
        assertEquals(List.of("Waiting for 2 receiver(s)...", "2 receiver(s) has/have been connected.",
                "Start sending to 2 receiver(s)!"), sender.lines());
        rx2.autoComplete(true);
        rx3.autoComplete(true);
        sender.sendChunk("x");
        sender.end();

        rx1.assertNoOutcome();
        assertFalse(rx1.isBegun());
        rx2.assertCompletedWith("x");
        rx3.assertCompletedWith("x");
        h.assertNothingLeft();
    }

    @Test
    void waitingSenderThatDisconnectsGivesBackItsSlot() throws PipeException {
        RecordingReceiver rx = h.receiver(2);
        ScriptedSender first = h.sender(2);
        first.abort();
        assertEquals(PipeState.WAITING, h.registry.state(h.key));
        rx.assertNoOutcome();

        ScriptedSender second = h.sender(2);   // not SENDER_CONFLICT
        assertEquals(List.of("Waiting for 2 receiver(s)...", "1 receiver(s) has/have been connected."),
                second.lines());
        h.receiver(2);
        assertEquals(1, second.demands());
        assertEquals(0, first.demands());
        first.assertNoOutcome();
        second.abort();
        h.assertNothingLeft();
    }

    @Test
    void pipeIsGoneWhenTheLastWaitingReceiverLeaves() throws PipeException {
        RecordingReceiver rx1 = h.receiver(3);
        RecordingReceiver rx2 = h.receiver(3);
        rx1.disconnect();
        assertEquals(1, h.registry.size());
        rx2.disconnect();
        rx2.disconnect(); // a second disconnect does nothing
        assertEquals(0, h.registry.size());
        assertNull(h.registry.state(h.key));
        h.assertNothingLeft();
        rx1.assertNoOutcome();
        rx2.assertNoOutcome();
    }

    @Test
    void pipeIsGoneWhenTheWaitingSenderLeavesAlone() throws PipeException {
        ScriptedSender sender = h.sender(2);
        sender.abort();
        assertEquals(0, h.registry.size());
        sender.assertNoOutcome();
        h.assertNothingLeft();
    }

    @Test
    void pipeIsGoneWhenTheLastOfSenderAndReceiversLeaves() throws PipeException {
        ScriptedSender sender = h.sender(2);
        RecordingReceiver rx = h.receiver(2);
        sender.abort();
        assertEquals(1, h.registry.size());
        rx.disconnect();
        assertEquals(0, h.registry.size());
        h.assertNothingLeft();
    }

    @Test
    void abandonedPipeNeverExpiresLater() throws PipeException {
        RecordingReceiver rx = h.receiver(1);
        rx.disconnect();
        h.scheduler.advanceBy(Duration.ofDays(1));
        rx.assertNoOutcome();
        h.assertNothingLeft();
    }

    @Test
    void emptyStreamCompletesEveryReceiverWithNoBytes() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.sender().end();
        h.completeAllWrites(pipe.receivers());
        pipe.receivers().forEach(rx -> rx.assertCompletedWith(utf8("")));
        pipe.sender().assertFinished();
        h.assertNothingLeft();
    }
}
