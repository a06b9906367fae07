package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sender's loop: one thread at a time runs the steps, and no event posted while they run is lost. */
class StepLoopTest {

    @Test
    void anIterateFromInsideAStepRunsOneMoreRoundOnTheSameThreadWithoutRecursion() {
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        StepLoop[] loop = new StepLoop[1];
        loop[0] = new StepLoop(() -> {
            assertEquals(1, depth.incrementAndGet(), "steps never nest");
            if (rounds.incrementAndGet() < 3) {
                loop[0].iterate();   // the pipe asks for more from inside onChunk
            }
            depth.decrementAndGet();
            return false;
        });
        loop[0].iterate();
        assertEquals(3, rounds.get());
    }

    @Test
    void anIterateFromAnotherThreadWhileAStepRunsIsNotLost() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch posted = new CountDownLatch(1);
        AtomicInteger rounds = new AtomicInteger();
        StepLoop loop = new StepLoop(() -> {
            if (rounds.incrementAndGet() == 1) {
                inStep.countDown();
                await(posted);
            }
            return false;
        });
        Thread first = new Thread(loop::iterate);
        first.start();
        assertTrue(inStep.await(10, TimeUnit.SECONDS), "the first round started");
        loop.iterate();              // returns at once: the running thread takes it
        assertEquals(1, rounds.get(), "run by the thread already running, not this one");
        posted.countDown();
        first.join(10_000);
        assertEquals(2, rounds.get(), "one more round for the event posted while the first ran");
    }

    @Test
    void aStepThatThrowsLeavesTheLoopFreeForTheNextEvent() {
        AtomicInteger rounds = new AtomicInteger();
        StepLoop loop = new StepLoop(() -> {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug in a step");
            }
            return false;
        });
        assertThrows(IllegalStateException.class, loop::iterate);
        loop.iterate();
        assertEquals(2, rounds.get());
    }

    @Test
    void aStepThatHasMoreToDoIsRunAgainAtOnce() {
        AtomicInteger rounds = new AtomicInteger();
        StepLoop loop = new StepLoop(() -> rounds.incrementAndGet() < 5);
        loop.iterate();
        assertEquals(5, rounds.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("never posted");
            }
        } catch (InterruptedException x) {
            throw new AssertionError(x);
        }
    }
}
