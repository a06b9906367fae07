package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipe.core.testing.ManualScheduler;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import dev.pipe.core.testing.TrackingBuffers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One registry on virtual time, and the fixtures that join its pipe {@code replay}: the setting of most tests. */
final class Harness {

    static final String PATH = "replay";

    final ManualScheduler scheduler = new ManualScheduler();
    final TrackingBuffers buffers = new TrackingBuffers();
    final PipeRegistry registry;
    final PipeKey key;
    private int receiverCount;

    Harness() {
        this(PipeConfig.defaults());
    }

    Harness(PipeConfig config) {
        registry = new PipeRegistry(config, scheduler);
        key = key(PATH);
    }

    PipeKey key(String path) {
        try {
            return registry.key(path);
        } catch (PipeException e) {
            throw new AssertionError(e);
        }
    }

    /** A sender for {@code n} receivers, attached to {@code replay}. */
    ScriptedSender sender(int n) throws PipeException {
        return sender(key, n);
    }

    ScriptedSender sender(PipeKey pipe, int n) throws PipeException {
        return sender(pipe, n, TransferInfo.UNKNOWN);
    }

    ScriptedSender sender(PipeKey pipe, int n, TransferInfo info) throws PipeException {
        ScriptedSender sender = new ScriptedSender(buffers);
        return sender.attach(registry.attachSender(pipe, n, info, sender));
    }

    /** A receiver of {@code replay} with {@code n} receivers, holding its writes. */
    RecordingReceiver receiver(int n) throws PipeException {
        return receiver(key, n);
    }

    RecordingReceiver receiver(PipeKey pipe, int n) throws PipeException {
        RecordingReceiver receiver = new RecordingReceiver("rx" + ++receiverCount);
        return receiver.attach(registry.attachReceiver(pipe, n, receiver));
    }

    /** {@code count} receivers of {@code replay} with {@code n} receivers. */
    List<RecordingReceiver> receivers(int count, int n) throws PipeException {
        List<RecordingReceiver> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(receiver(n));
        }
        return all;
    }

    /** The receivers first, then the sender: the pipe is established and the first demand waits for an answer. */
    Established establish(int n) throws PipeException {
        List<RecordingReceiver> receivers = receivers(n, n);
        ScriptedSender sender = sender(n);
        assertEquals(PipeState.STREAMING, registry.state(key));
        assertEquals(1, sender.outstandingDemands());
        return new Established(sender, receivers);
    }

    /** Completes every held write, again and again, until none is held. */
    void completeAllWrites(List<RecordingReceiver> receivers) {
        boolean any = true;
        while (any) {
            any = false;
            for (RecordingReceiver receiver : receivers) {
                if (receiver.hasPendingWrite()) {
                    receiver.completeWrite();
                    any = true;
                }
            }
        }
    }

    /** Nothing left behind: no pipe, no timer, every buffer released exactly once. */
    void assertNothingLeft() {
        assertEquals(0, registry.size(), "pipes left in the registry");
        assertEquals(0, scheduler.pending(), "timers left behind: " + scheduler);
        buffers.assertAllReleased();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    record Established(ScriptedSender sender, List<RecordingReceiver> receivers) {
        RecordingReceiver rx(int index) {
            return receivers.get(index - 1);
        }
    }
}
