package dev.pipe.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeException;
import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.TransferInfo;
import dev.pipe.core.testing.ManualScheduler;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import dev.pipe.core.testing.TrackingBuffers;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters move by exactly what the pipes did, on the core's virtual clock; no tag names a path. */
class PipeMetricsTest {

    private static final String PATH = "incidents/secret-path";

    private final ManualScheduler scheduler = new ManualScheduler();
    private final TrackingBuffers buffers = new TrackingBuffers();
    private final PipeRegistry pipes = new PipeRegistry(PipeConfig.defaults(), scheduler);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PipeMetrics metrics = new PipeMetrics(pipes);

    PipeMetricsTest() {
        metrics.bindTo(meters);
    }

    @Test
    void aTransferToTwoReceiversMovesEveryMeterByItsFigures() throws Exception {
        PipeKey key = pipes.key(PATH);
        RecordingReceiver first = receiver(key, 2);
        assertEquals(1.0, gauge("pipe.pipes", "state", "waiting"));
        assertEquals(1.0, gauge("pipe.parties.waiting"));
        scheduler.advanceBy(Duration.ofMillis(250));
        RecordingReceiver second = receiver(key, 2);
        ScriptedSender sender = new ScriptedSender(buffers);
        sender.attach(pipes.attachSender(key, 2, TransferInfo.UNKNOWN, sender));
        assertEquals(0.0, gauge("pipe.pipes", "state", "waiting"));
        assertEquals(1.0, gauge("pipe.pipes", "state", "streaming"));
        assertEquals(0.0, gauge("pipe.parties.waiting"));

        sender.sendChunk(new byte[1000]);
        scheduler.advanceBy(Duration.ofSeconds(5));
        assertEquals(1000, counter("pipe.bytes.sent"), "a long transfer's figures move at each tick");
        assertEquals(2000, counter("pipe.bytes.delivered"));
        sender.sendChunk(new byte[24]);
        scheduler.advanceBy(Duration.ofSeconds(1));
        sender.end();

        assertEquals(1024, counter("pipe.bytes.sent"));
        assertEquals(2048, counter("pipe.bytes.delivered"));
        assertEquals(1, counter("pipe.transfers", "outcome", "completed"));
        assertEquals(0, counter("pipe.transfers", "outcome", "partial"));
        assertEquals(1, meters.get("pipe.join.wait").timer().count());
        assertEquals(250, meters.get("pipe.join.wait").timer().totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(6000, meters.get("pipe.transfer.duration").timer().totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(2, meters.get("pipe.receivers").summary().mean());
        assertEquals(0.0, gauge("pipe.pipes", "state", "streaming"));
        assertEquals(1024, first.bytes().length);
        assertEquals(1024, second.bytes().length);
    }

    @Test
    void endsAndRefusalsAreCountedByOutcomeAndStatus() throws Exception {
        receiver(pipes.key("a"), 1);
        scheduler.advanceBy(pipes.config().joinTimeout());
        receiver(pipes.key("b"), 1).disconnect();
        pipes.refused(429, PipeException.Reason.TOO_MANY_WAITING);
        pipes.refused(429, PipeException.Reason.TOO_MANY_WAITING);
        pipes.refused(401, PipeException.Reason.UNAUTHENTICATED);

        assertEquals(1, counter("pipe.transfers", "outcome", "expired"));
        assertEquals(1, counter("pipe.transfers", "outcome", "abandoned"));
        assertEquals(2, counter("pipe.refusals", "status", "429"));
        assertEquals(1, counter("pipe.refusals", "status", "401"));
        assertEquals(0, meters.get("pipe.transfer.duration").timer().count(), "nothing streamed");
    }

    @Test
    void everyMeterHasHelpTextAndNoTagNamesAPath() throws Exception {
        receiver(pipes.key(PATH), 1).disconnect();
        pipes.refused(400, null);
        for (Meter meter : meters.getMeters()) {
            assertNotNull(meter.getId().getDescription(), meter.getId().getName());
            assertFalse(meter.getId().getDescription().isBlank(), meter.getId().getName());
            for (Tag tag : meter.getId().getTags()) {
                assertFalse(tag.getValue().contains("secret"), meter.getId().toString());
            }
        }
        assertTrue(meters.getMeters().size() >= 17, "every meter is there from the start: " + meters.getMeters());
    }

    @Test
    void bindingTheSameRegistryTwiceCountsOnce() throws Exception {
        metrics.bindTo(meters);
        receiver(pipes.key("a"), 1).disconnect();
        assertEquals(1, counter("pipe.transfers", "outcome", "abandoned"));
    }

    @Test
    void afterCloseTheMetersStopMoving() throws Exception {
        metrics.close();
        receiver(pipes.key("a"), 1).disconnect();
        assertEquals(0, counter("pipe.transfers", "outcome", "abandoned"));
    }

    private RecordingReceiver receiver(PipeKey key, int n) throws PipeException {
        RecordingReceiver receiver = new RecordingReceiver("rx").autoComplete(true);
        return receiver.attach(pipes.attachReceiver(key, n, receiver));
    }

    private double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    private double counter(String name, String... tags) {
        return meters.get(name).tags(tags).counter().count();
    }
}
