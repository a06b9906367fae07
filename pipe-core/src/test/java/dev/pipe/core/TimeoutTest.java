package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import dev.pipe.core.testing.TrackingBuffers;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Join window, idle timeout, slow-receiver drop and progress notices fire at exactly their time on virtual time. */
class TimeoutTest {

    private static final Duration JOIN = Duration.ofMinutes(2);
    private static final Duration IDLE = Duration.ofHours(1);
    private static final Duration ONE_NS = Duration.ofNanos(1);
    private static final String DROPPED = "A receiver was dropped: it took no bytes for 30s.";

    private final Harness h = new Harness(PipeConfig.defaults().withJoinTimeout(JOIN).withIdleTimeout(IDLE));

    // ---------------------------------------------------------------- join window

    @Test
    void joinWindowExpiresExactlyAtTheJoinTimeout() throws PipeException {
        RecordingReceiver rx = h.receiver(1);

        h.scheduler.advanceBy(JOIN.minus(ONE_NS));
        rx.assertNoOutcome();
        assertEquals(PipeState.WAITING, h.registry.state(h.key));

        h.scheduler.advanceBy(ONE_NS);
        PipeException reason = rx.assertAborted(Reason.RENDEZVOUS_EXPIRED);
        assertEquals("The pipe was not established within 2m: the sender did not come.", reason.getMessage());
        assertFalse(rx.isBegun());
        assertNull(h.registry.state(h.key));
        h.assertNothingLeft();
    }

    @Test
    void expiryTellsEveryWaitingPartyWhichReceiversDidNotCome() throws PipeException {
        ScriptedSender sender = h.sender(3);
        RecordingReceiver rx = h.receiver(3);

        h.scheduler.advanceBy(JOIN);
        String expected = "The pipe was not established within 2m: 2 of 3 receiver(s) did not come.";
        assertEquals(expected, rx.assertAborted(Reason.RENDEZVOUS_EXPIRED).getMessage());
        assertEquals(expected, sender.assertFailed(Reason.RENDEZVOUS_EXPIRED).getMessage());
        assertEquals(0, sender.demands());
        h.assertNothingLeft();
    }

    @Test
    void expiryNamesTheSenderAndTheReceiversWhenBothAreMissing() throws PipeException {
        ScriptedSender sender = h.sender(2);
        RecordingReceiver rx = h.receiver(2);
        sender.abort();

        h.scheduler.advanceBy(JOIN);
        assertEquals("The pipe was not established within 2m: the sender and 1 of 2 receiver(s) did not come.",
                rx.assertAborted(Reason.RENDEZVOUS_EXPIRED).getMessage());
        sender.assertNoOutcome(); // it had left already
        h.assertNothingLeft();
    }

    @Test
    void joinWindowCountsFromTheFirstArrival() throws PipeException {
        RecordingReceiver first = h.receiver(3);
        h.scheduler.advanceBy(Duration.ofMinutes(1));
        RecordingReceiver second = h.receiver(3);

        h.scheduler.advanceBy(Duration.ofMinutes(1));
        first.assertAborted(Reason.RENDEZVOUS_EXPIRED);
        second.assertAborted(Reason.RENDEZVOUS_EXPIRED);
        h.assertNothingLeft();
    }

    @Test
    void partyAfterExpiryGetsAFreshPipeAndAFreshWindow() throws PipeException {
        h.receiver(1);
        h.scheduler.advanceBy(JOIN);
        RecordingReceiver late = h.receiver(1);
        assertEquals(PipeState.WAITING, h.registry.state(h.key));

        h.scheduler.advanceBy(JOIN.minus(ONE_NS));
        late.assertNoOutcome();
        h.scheduler.advanceBy(ONE_NS);
        late.assertAborted(Reason.RENDEZVOUS_EXPIRED);
        h.assertNothingLeft();
    }

    @Test
    void establishedPipeNeverExpires() throws PipeException {
        RecordingReceiver rx = h.receiver(1).autoComplete(true);
        h.scheduler.advanceBy(JOIN.minus(ONE_NS));
        ScriptedSender sender = h.sender(1);

        h.scheduler.advanceBy(Duration.ofMinutes(30));
        rx.assertNoOutcome();
        sender.assertNoOutcome();
        assertEquals(PipeState.STREAMING, h.registry.state(h.key));

        sender.sendChunk("still here");
        sender.end();
        rx.assertCompletedWith("still here");
        sender.assertFinished();
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- idle timeout

    @Test
    void pausedSenderFailsExactlyAtTheIdleTimeout() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.sender().sendChunk("before the pause");
        h.completeAllWrites(pipe.receivers());
        assertEquals(1, pipe.sender().outstandingDemands());

        h.scheduler.advanceBy(IDLE.minus(ONE_NS));
        pipe.sender().assertNoOutcome();
        pipe.receivers().forEach(RecordingReceiver::assertNoOutcome);

        h.scheduler.advanceBy(ONE_NS);
        PipeException failure = pipe.sender().assertFailed(Reason.IDLE_TIMEOUT);
        assertEquals("Nothing moved for 1h: the transfer was closed.", failure.getMessage());
        pipe.receivers().forEach(rx -> rx.assertAborted(Reason.IDLE_TIMEOUT));
        h.assertNothingLeft();
    }

    @Test
    void progressPushesTheIdleDeadline() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);

        h.scheduler.advanceBy(IDLE.dividedBy(2));
        pipe.sender().sendChunk("resumed");
        h.scheduler.advanceBy(IDLE.dividedBy(2));
        pipe.sender().assertNoOutcome();

        h.scheduler.advanceBy(IDLE.dividedBy(2).minus(ONE_NS));
        pipe.sender().assertNoOutcome();
        h.scheduler.advanceBy(ONE_NS);
        pipe.sender().assertFailed(Reason.IDLE_TIMEOUT);
        pipe.rx(1).assertAborted(Reason.IDLE_TIMEOUT);
        h.assertNothingLeft();
    }

    @Test
    void idleTimeoutWithAWriteUnderWayReleasesTheChunkAfterTheWrite() throws PipeException {
        Harness.Established pipe = h.establish(1);
        TrackingBuffers.Loan chunk = pipe.sender().sendChunk("stuck");

        h.scheduler.advanceBy(IDLE);
        pipe.sender().assertFailed(Reason.IDLE_TIMEOUT);
        pipe.rx(1).assertAborted(Reason.IDLE_TIMEOUT);
        assertFalse(chunk.isReleased());
        pipe.rx(1).failWrite();
        assertTrue(chunk.isReleased());
        h.assertNothingLeft();
    }

    // ---------------------------------------------------------------- slow receivers

    @Test
    void blockPolicyNeverDropsASlowReceiver() throws PipeException {
        Harness patient = new Harness(PipeConfig.defaults().withIdleTimeout(Duration.ofDays(7)));
        Harness.Established pipe = patient.establish(2);
        TrackingBuffers.Loan chunk = pipe.sender().sendChunk("x");
        pipe.rx(1).completeWrite();

        patient.scheduler.advanceBy(Duration.ofDays(1));
        pipe.rx(2).assertNoOutcome();
        assertFalse(chunk.isReleased());
        assertEquals(0, pipe.sender().outstandingDemands());
        assertFalse(pipe.sender().lines().stream().anyMatch(line -> line.contains("dropped")));

        pipe.rx(2).completeWrite();
        assertTrue(chunk.isReleased());
        pipe.sender().end();
        patient.completeAllWrites(pipe.receivers());
        pipe.receivers().forEach(rx -> rx.assertCompletedWith("x"));
        patient.assertNothingLeft();
    }

    @Test
    void dropAfterDropsTheStalledReceiverOnlyThirtySecondsAfterAnotherFinishedTheChunk() throws PipeException {
        Harness drop = new Harness(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.parse("drop-after=30s")));
        Harness.Established pipe = drop.establish(3);
        ScriptedSender sender = pipe.sender();
        TrackingBuffers.Loan chunk = sender.sendChunk("one ");

        drop.scheduler.advanceBy(Duration.ofSeconds(10));
        pipe.rx(1).completeWrite();                       // the clock starts now
        drop.scheduler.advanceBy(Duration.ofSeconds(5));
        pipe.rx(2).completeWrite();

        drop.scheduler.advanceTo(Duration.ofSeconds(40).minus(ONE_NS));
        pipe.rx(3).assertNoOutcome();
        assertFalse(sender.lines().contains(DROPPED));

        drop.scheduler.advanceBy(ONE_NS);
        PipeException reason = pipe.rx(3).assertAborted(Reason.RECEIVER_TOO_SLOW);
        assertEquals("This receiver took no bytes for 30s while the others waited.", reason.getMessage());
        assertEquals(1, Collections.frequency(sender.lines(), DROPPED));
        assertFalse(chunk.isReleased(), "rx3's write is still under way");

        pipe.rx(3).failWrite();
        assertTrue(chunk.isReleased());
        assertEquals(1, sender.outstandingDemands());
        sender.sendChunk("two");
        assertFalse(pipe.rx(3).hasPendingWrite());
        drop.completeAllWrites(pipe.receivers());
        sender.end();
        drop.completeAllWrites(pipe.receivers());

        pipe.rx(1).assertCompletedWith("one two");
        pipe.rx(2).assertCompletedWith("one two");
        pipe.rx(3).assertReceived("one ");
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        assertEquals("2 of 3 receivers got every byte; 1 was dropped as too slow at 4 B.",
                sender.assertFailed(PipeException.Reason.RECEIVERS_LOST).getMessage());
        assertEquals(1, Collections.frequency(sender.lines(), DROPPED));
        drop.assertNothingLeft();
    }

    @Test
    void dropClockStartsAgainWithEveryChunk() throws PipeException {
        Harness drop = new Harness(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.dropAfter(
                Duration.ofSeconds(30))));
        Harness.Established pipe = drop.establish(2);
        ScriptedSender sender = pipe.sender();

        sender.sendChunk("a");
        pipe.rx(1).completeWrite();                       // t=0: the clock starts
        drop.scheduler.advanceBy(Duration.ofSeconds(29));
        pipe.rx(2).completeWrite();                       // t=29s: in time

        sender.sendChunk("b");
        pipe.rx(1).completeWrite();                       // t=29s: the clock starts again
        drop.scheduler.advanceBy(Duration.ofSeconds(30).minus(ONE_NS));
        pipe.rx(2).assertNoOutcome();                     // the first check, at t=30s, must not drop it
        drop.scheduler.advanceBy(ONE_NS);
        pipe.rx(2).assertAborted(Reason.RECEIVER_TOO_SLOW);

        pipe.rx(2).failWrite();
        sender.end();
        drop.completeAllWrites(pipe.receivers());
        pipe.rx(1).assertCompletedWith("ab");
        // the stream ended and those who stayed have every byte; the sender hears that not everyone did
        sender.assertFailed(PipeException.Reason.RECEIVERS_LOST);
        drop.assertNothingLeft();
    }

    @Test
    void dropAfterNeverDropsTheOnlyReceiver() throws PipeException {
        Harness drop = new Harness(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.dropAfter(
                Duration.ofSeconds(30))));
        Harness.Established pipe = drop.establish(1);
        TrackingBuffers.Loan chunk = pipe.sender().sendChunk("slow");

        drop.scheduler.advanceBy(Duration.ofMinutes(10));
        pipe.rx(1).assertNoOutcome();
        assertFalse(chunk.isReleased());

        pipe.rx(1).completeWrite();
        pipe.sender().end();
        pipe.rx(1).completeWrite();
        pipe.rx(1).assertCompletedWith("slow");
        pipe.sender().assertFinished();
        drop.assertNothingLeft();
    }

    /** Regression: a receiver whose complete() was slow got abort(RECEIVER_TOO_SLOW) on top of it. */
    @Test
    void dropAfterNeverAbortsAReceiverWhoseCompleteIsUnderWay() throws PipeException {
        Harness drop = new Harness(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.dropAfter(
                Duration.ofSeconds(30))));
        Harness.Established pipe = drop.establish(2);
        pipe.sender().sendChunk("all");
        drop.completeAllWrites(pipe.receivers());
        pipe.sender().end();
        pipe.rx(1).completeWrite();

        drop.scheduler.advanceBy(Duration.ofMinutes(1));
        assertEquals(List.of(), pipe.rx(2).aborts());
        assertEquals(1, pipe.rx(2).completes());
        assertFalse(pipe.sender().lines().contains(DROPPED));

        pipe.rx(2).completeWrite();
        pipe.receivers().forEach(rx -> rx.assertCompletedWith("all"));
        pipe.sender().assertFinished();
        drop.assertNothingLeft();
    }

    // ---------------------------------------------------------------- progress notices

    @Test
    void waitingSenderHearsFromThePipeEvery20Seconds() throws PipeException {
        ScriptedSender sender = h.sender(2);

        h.scheduler.advanceBy(Duration.ofSeconds(20).minus(ONE_NS));
        assertEquals(List.of("Waiting for 2 receiver(s)..."), sender.lines());
        h.scheduler.advanceBy(ONE_NS);
        assertEquals(List.of("Waiting for 2 receiver(s)...", "0 of 2 receiver(s) connected; waiting for the rest..."),
                sender.lines());

        h.scheduler.advanceTo(Duration.ofSeconds(30));
        h.receiver(2);
        h.scheduler.advanceTo(Duration.ofSeconds(40));
        assertEquals("1 of 2 receiver(s) connected; waiting for the rest...",
                sender.lines().get(sender.lines().size() - 1));

        h.scheduler.advanceTo(Duration.ofSeconds(45));
        h.receiver(2);
        h.scheduler.advanceTo(Duration.ofMinutes(3));
        long stillWaiting = sender.reports().stream().filter(p -> p instanceof Progress.StillWaiting).count();
        assertEquals(2, stillWaiting, "no waiting notice once established");
        sender.abort();
        h.assertNothingLeft();
    }

    /**
     * A transport that notices a departed client only on a write asks for the waiting line more often: it comes at
     * that pace (never more than once a second) until the pipe is established, and the default pace is untouched
     * for the other senders.
     */
    @Test
    void aWaitingSenderThatAsksForKeepAlivesHearsWhoIsMissingAtItsPace() throws PipeException {
        ScriptedSender sender = h.sender(2);
        sender.handle().keepAlive(Duration.ofSeconds(4));
        h.scheduler.advanceTo(Duration.ofSeconds(12));
        assertEquals(3, stillWaiting(sender), "a line at 4 s, 8 s and 12 s");
        sender.handle().keepAlive(Duration.ofMillis(10));
        h.scheduler.advanceTo(Duration.ofSeconds(15));
        assertEquals(6, stillWaiting(sender), "never more often than once a second");
        h.receiver(2);
        h.receiver(2);
        h.scheduler.advanceTo(Duration.ofSeconds(60));
        assertEquals(6, stillWaiting(sender), "no waiting line once established");
        sender.abort();
        h.assertNothingLeft();
    }

    private static long stillWaiting(ScriptedSender sender) {
        return sender.reports().stream().filter(p -> p instanceof Progress.StillWaiting).count();
    }

    @Test
    void streamingSenderGetsAStatusLineAfter5SecondsWhenBytesMoved() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);
        pipe.sender().sendChunk(new byte[50_000]);

        h.scheduler.advanceBy(Duration.ofSeconds(5).minus(ONE_NS));
        assertFalse(pipe.sender().lines().stream().anyMatch(line -> line.startsWith("Streaming")));
        h.scheduler.advanceBy(ONE_NS);
        List<String> lines = pipe.sender().lines();
        assertEquals("Streaming to 1 receiver(s) at 10.0 KB/s (50.0 KB sent)", lines.get(lines.size() - 1));

        h.scheduler.advanceBy(Duration.ofSeconds(5));
        assertEquals(lines, pipe.sender().lines(), "no bytes moved: no line at 10s");

        pipe.sender().sendChunk(new byte[1000]);
        h.scheduler.advanceBy(Duration.ofSeconds(5));
        List<String> later = pipe.sender().lines();
        assertEquals("Streaming to 1 receiver(s) at 100 B/s (51.0 KB sent)", later.get(later.size() - 1));

        pipe.sender().end();
        pipe.sender().assertFinished();
        h.assertNothingLeft();
    }
}
