package dev.pipe.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.pipe.core.Progress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every line the server writes to a sender is a typed event, from the server's own texts; others pass as they are. */
class SendEventTest {

    private static SendEvent parse(Progress progress) {
        return SendEvent.parse("[INFO] " + progress.message());
    }

    @Test
    void eachOfTheServersLinesIsItsEvent() {
        assertEquals(8, assertInstanceOf(SendEvent.Waiting.class, parse(new Progress.Waiting(8))).receivers());
        assertEquals(3, assertInstanceOf(SendEvent.AlreadyConnected.class, parse(new Progress.AlreadyConnected(3)))
                .connected());
        assertInstanceOf(SendEvent.ReceiverConnected.class, parse(new Progress.ReceiverConnected(4, 8)));
        SendEvent.StillWaiting still = assertInstanceOf(SendEvent.StillWaiting.class,
                parse(new Progress.StillWaiting(5, 8)));
        assertEquals(5, still.connected());
        assertEquals(8, still.receivers());
        assertEquals(8, assertInstanceOf(SendEvent.Started.class, parse(new Progress.Started(8))).receivers());
        SendEvent.Streaming streaming = assertInstanceOf(SendEvent.Streaming.class,
                parse(new Progress.Streaming(7, 1_234_567, 51_200)));
        assertEquals(7, streaming.receivers());
        assertEquals(1_200_000, streaming.bytes(), "as the server rounded it: 1.2 MB");
        assertEquals(51_200, streaming.bytesPerSecond(), 0.001);
        assertEquals(false, assertInstanceOf(SendEvent.ReceiverLeft.class, parse(new Progress.ReceiverAborted(6)))
                .dropped());
        assertEquals(true, assertInstanceOf(SendEvent.ReceiverLeft.class,
                parse(new Progress.ReceiverDropped(6, Duration.ofSeconds(30)))).dropped());
        assertInstanceOf(SendEvent.AllReceiversLeft.class, parse(new Progress.AllReceiversAborted()));
        assertInstanceOf(SendEvent.Sent.class, parse(new Progress.Sent()));
        assertInstanceOf(SendEvent.AllReceived.class, parse(new Progress.AllReceived()));
        SendEvent.Done done = assertInstanceOf(SendEvent.Done.class,
                parse(new Progress.Summary(52_000, 8, Duration.ofMillis(2500))));
        assertEquals(52_000, done.bytes());
        assertEquals(8, done.receivers());
        assertEquals(2.5, done.seconds(), 0.001);
    }

    @Test
    void anErrorLineIsAFailureWithTheServersMessage() {
        SendEvent.Failed failed = assertInstanceOf(SendEvent.Failed.class,
                SendEvent.parse("[ERROR] The sender aborted before the end of the stream."));
        assertEquals("The sender aborted before the end of the stream.", failed.message());
    }

    @Test
    void aLineThisClientDoesNotKnowPassesAsItIs() {
        SendEvent other = SendEvent.parse("[INFO] Something new from a newer server");
        assertEquals("[INFO] Something new from a newer server",
                assertInstanceOf(SendEvent.Other.class, other).line());
    }
}
