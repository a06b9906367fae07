package dev.pipe.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each lent buffer must be released exactly once; anything else fails loudly. */
class TrackingBuffersTest {

    private final TrackingBuffers buffers = new TrackingBuffers();

    @Test
    void lentBufferHoldsTheBytesBetweenPositionAndLimit() {
        TrackingBuffers.Loan loan = buffers.lend("abc".getBytes(StandardCharsets.UTF_8));
        byte[] read = new byte[loan.buffer().remaining()];
        loan.buffer().duplicate().get(read);
        assertEquals("abc", new String(read, StandardCharsets.UTF_8));
        assertTrue(loan.buffer().position() > 0, "margins catch code that ignores position");
        loan.release().succeeded();
        buffers.assertAllReleased();
    }

    @Test
    void bufferNotReleasedFailsTheCheck() {
        buffers.lend(new byte[3]);
        assertEquals(1, buffers.outstanding());
        assertThrows(AssertionError.class, buffers::assertAllReleased);
    }

    @Test
    void secondReleaseThrowsAtOnceAndFailsTheCheck() {
        TrackingBuffers.Loan loan = buffers.lend(new byte[3]);
        loan.release().succeeded();
        assertThrows(AssertionError.class, () -> loan.release().failed(new RuntimeException()));
        assertEquals(1, buffers.violations().size());
        assertThrows(AssertionError.class, buffers::assertAllReleased);
    }

    @Test
    void releasedBufferIsPoisoned() {
        TrackingBuffers.Loan loan = buffers.lend("abc".getBytes(StandardCharsets.UTF_8));
        loan.release().succeeded();
        assertEquals(TrackingBuffers.POISON, loan.buffer().get(loan.buffer().position()));
        buffers.assertAllReleased();
    }
}
