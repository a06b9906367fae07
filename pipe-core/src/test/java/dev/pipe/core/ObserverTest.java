package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipe.core.PipeObserver.Party;
import dev.pipe.core.TransferSummary.Outcome;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every way a pipe can end gives its observers exactly one summary, with exact figures, and the events before it in
 * the order they happened; on the core's virtual clock, step by step. An observer that throws changes nothing.
 */
class ObserverTest {

    private final Harness h = new Harness(PipeConfig.defaults()
            .withSlowReceiver(SlowReceiverPolicy.dropAfter(Duration.ofSeconds(10))));
    private final Recorder seen = new Recorder();

    ObserverTest() {
        h.registry.observe(seen);
    }

    @Test
    void aCompletedTransferReportsItsJoinsItsBytesAndOneSummary() throws PipeException {
        RecordingReceiver first = h.receiver(2).autoComplete(true);
        h.scheduler.advanceBy(Duration.ofMillis(300));
        RecordingReceiver second = h.receiver(2).autoComplete(true);
        h.scheduler.advanceBy(Duration.ofMillis(200));
        ScriptedSender sender = h.sender(2);
        sender.sendChunk("07:23:14 WARN\n");
        h.scheduler.advanceBy(Duration.ofSeconds(5)); // a tick: the live figures move
        sender.sendChunk("07:23:15 ERR\n");
        h.scheduler.advanceBy(Duration.ofMillis(100));
        sender.end();

        assertEquals(List.of("join RECEIVER 1/2", "join RECEIVER 2/2", "join SENDER 2/2", "established 2 after 500 ms",
                "bytes 14 28", "bytes 13 26", "end completed"), seen.events);
        TransferSummary summary = seen.only();
        assertEquals(new TransferSummary(h.key, 2, Outcome.COMPLETED, PipeState.COMPLETED, 27, 54, 0, 0,
                Duration.ofMillis(500), Duration.ofMillis(5100), null), summary);
        assertEquals(27, seen.sent);
        assertEquals(54, seen.delivered, "the reports add up to the summary");
        assertEquals(27, first.bytes().length);
        assertEquals(27, second.bytes().length);
        h.assertNothingLeft();
    }

    @Test
    void aReceiverThatLeavesMidwayMakesItPartial() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.rx(1).autoComplete(true);
        pipe.rx(2).autoComplete(true);
        pipe.sender().sendChunk("abcde");
        pipe.rx(2).disconnect();
        pipe.sender().sendChunk("fg");
        pipe.sender().end();

        TransferSummary summary = seen.only();
        assertEquals(Outcome.PARTIAL, summary.outcome());
        assertEquals(7, summary.bytesSent());
        assertEquals(5 + 7, summary.bytesDelivered(), "rx2 got the first chunk only");
        assertEquals(1, summary.receiversLeft());
        assertEquals(0, summary.receiversDropped());
        assertEquals(PipeException.Reason.RECEIVERS_LOST, summary.failure().reason());
        assertEquals(seen.delivered, summary.bytesDelivered());
    }

    @Test
    void aSlowReceiverDroppedIsCountedAsDropped() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.rx(1).autoComplete(true);
        pipe.sender().sendChunk("abc");
        h.scheduler.advanceBy(Duration.ofSeconds(10));
        pipe.rx(2).failWrite(); // its port gives up the write the pipe called off
        pipe.sender().end();

        TransferSummary summary = seen.only();
        assertEquals(Outcome.PARTIAL, summary.outcome());
        assertEquals(1, summary.receiversDropped());
        assertEquals(0, summary.receiversLeft());
        assertEquals(3, summary.bytesDelivered());
    }

    @Test
    void aSenderThatAbortsIsSenderAborted() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);
        pipe.sender().sendChunk("abc");
        pipe.sender().error(new IOException("cut"));

        TransferSummary summary = seen.only();
        assertEquals(Outcome.SENDER_ABORTED, summary.outcome());
        assertEquals(PipeState.FAILED, summary.state());
        assertEquals(3, summary.bytesSent());
        assertEquals(3, summary.bytesDelivered());
    }

    @Test
    void aSenderStreamBrokenForWantOfMemoryIsOutOfMemory() throws PipeException {
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);
        pipe.sender().sendChunk("abc");
        pipe.sender().error(new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory"));

        TransferSummary summary = seen.only();
        assertEquals(Outcome.OUT_OF_MEMORY, summary.outcome());
        assertEquals("out-of-memory", summary.outcome().tag());
        assertEquals(PipeState.FAILED, summary.state());
        assertEquals(3, summary.bytesSent());
    }

    @Test
    void everyReceiverGoneIsReceiversAborted() throws PipeException {
        Harness.Established pipe = h.establish(2);
        pipe.receivers().forEach(RecordingReceiver::disconnect);
        assertEquals(Outcome.RECEIVERS_ABORTED, seen.only().outcome());
        assertEquals(2, seen.only().receiversLeft());
    }

    @Test
    void aPipeNobodyCompletesExpiresAfterTheJoinWindow() throws PipeException {
        h.receiver(3);
        h.scheduler.advanceBy(h.registry.config().joinTimeout());

        TransferSummary summary = seen.only();
        assertEquals(Outcome.EXPIRED, summary.outcome());
        assertEquals(h.registry.config().joinTimeout(), summary.waited());
        assertEquals(Duration.ZERO, summary.streamed());
        assertEquals(0, summary.bytesSent());
        assertEquals(List.of("join RECEIVER 1/3", "end expired"), seen.events);
    }

    @Test
    void partiesThatGiveUpWhileWaitingLeaveAndAbandonIt() throws PipeException {
        RecordingReceiver receiver = h.receiver(2);
        ScriptedSender sender = h.sender(2);
        h.scheduler.advanceBy(Duration.ofSeconds(3));
        sender.abort();
        receiver.disconnect();

        assertEquals(List.of("join RECEIVER 1/2", "join SENDER 1/2", "leave SENDER", "leave RECEIVER",
                "end abandoned"), seen.events);
        assertEquals(Duration.ofSeconds(3), seen.only().waited());
    }

    @Test
    void nothingMovingForTheIdleTimeoutIsIdleTimeout() throws PipeException {
        h.establish(1);
        h.scheduler.advanceBy(h.registry.config().idleTimeout());
        assertEquals(Outcome.IDLE_TIMEOUT, seen.only().outcome());
    }

    @Test
    void aStopIsShutdownForWaitingAndStreamingPipesAlike() throws PipeException {
        h.establish(1);
        h.receiver(h.key("other"), 1);
        h.registry.close();
        assertEquals(2, seen.summaries.size());
        seen.summaries.forEach(summary -> assertEquals(Outcome.SHUTDOWN, summary.outcome()));
    }

    @Test
    void anObserverThatThrowsChangesNothing() throws PipeException {
        h.registry.observe(new PipeObserver() {
            @Override
            public void onJoin(PipeKey key, Party party, int receivers, int expected) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void onEstablished(PipeKey key, int receivers, Duration waited) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void onBytes(PipeKey key, long sent, long delivered) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void onEnd(TransferSummary summary) {
                throw new IllegalStateException("observer bug");
            }
        });
        Harness.Established pipe = h.establish(1);
        pipe.rx(1).autoComplete(true);
        pipe.sender().sendChunk("abc");
        pipe.sender().end();

        pipe.rx(1).assertCompletedWith(Harness.utf8("abc"));
        pipe.sender().assertFinished();
        assertEquals(Outcome.COMPLETED, seen.only().outcome(), "the other observers hear everything");
        h.assertNothingLeft();
    }

    @Test
    void aDetachedObserverHearsNoMore() throws PipeException {
        Recorder late = new Recorder();
        Cancellable attached = h.registry.observe(late);
        h.receiver(1);
        attached.cancel();
        h.sender(1).end();
        assertEquals(List.of("join RECEIVER 1/1"), late.events);
    }

    @Test
    void theCensusCountsPipesByStateAndThePartiesWaiting() throws Exception {
        assertEquals(new PipeRegistry.Census(0, 0, 0), h.registry.census());
        h.receiver(h.key("waiting"), 3);
        h.receiver(h.key("waiting"), 3);
        assertEquals(new PipeRegistry.Census(1, 0, 2), h.registry.census());
        h.establish(1);
        assertEquals(new PipeRegistry.Census(1, 1, 2), h.registry.census(), "a streaming pipe's parties wait no more");
        Hold hold = h.registry.hold("client", () -> { });
        assertEquals(new PipeRegistry.Census(1, 1, 3), h.registry.census(), "a form's hold is a party waiting");
        hold.release();
        assertEquals(new PipeRegistry.Census(1, 1, 2), h.registry.census());
    }

    @Test
    void refusalsComeFromTheAdapterWithTheirStatus() {
        h.registry.refused(429, PipeException.Reason.TOO_MANY_WAITING);
        h.registry.refused(400, null);
        assertEquals(List.of("refused 429 TOO_MANY_WAITING", "refused 400 null"), seen.events);
    }

    /** Writes down every event, and adds up the bytes. */
    private static final class Recorder implements PipeObserver {
        final List<String> events = new ArrayList<>();
        final List<TransferSummary> summaries = new ArrayList<>();
        long sent;
        long delivered;

        @Override
        public synchronized void onJoin(PipeKey key, Party party, int receivers, int expected) {
            events.add("join " + party + " " + receivers + "/" + expected);
        }

        @Override
        public synchronized void onLeave(PipeKey key, Party party) {
            events.add("leave " + party);
        }

        @Override
        public synchronized void onRefused(int status, PipeException.Reason reason) {
            events.add("refused " + status + " " + reason);
        }

        @Override
        public synchronized void onEstablished(PipeKey key, int receivers, Duration waited) {
            events.add("established " + receivers + " after " + waited.toMillis() + " ms");
        }

        @Override
        public synchronized void onBytes(PipeKey key, long sent, long delivered) {
            events.add("bytes " + sent + " " + delivered);
            this.sent += sent;
            this.delivered += delivered;
        }

        @Override
        public synchronized void onEnd(TransferSummary summary) {
            events.add("end " + summary.outcome().tag());
            summaries.add(summary);
        }

        synchronized TransferSummary only() {
            assertEquals(1, summaries.size(), "one summary per pipe: " + summaries);
            return summaries.get(0);
        }
    }
}
