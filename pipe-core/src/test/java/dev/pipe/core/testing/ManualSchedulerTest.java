package dev.pipe.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pipe.core.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Virtual time moves only on request and runs what falls due, in time order, on the caller. */
class ManualSchedulerTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsDueTasksInTimeOrderAtTheirDueTime() {
        scheduler.schedule(() -> ran.add("b@" + scheduler.nanoTime()), Duration.ofNanos(20));
        scheduler.schedule(() -> ran.add("a@" + scheduler.nanoTime()), Duration.ofNanos(10));
        scheduler.schedule(() -> ran.add("c@" + scheduler.nanoTime()), Duration.ofNanos(20));

        scheduler.advanceBy(Duration.ofNanos(19));
        assertEquals(List.of("a@10"), ran);
        assertEquals(19, scheduler.nanoTime());
        scheduler.advanceBy(Duration.ofNanos(1));
        assertEquals(List.of("a@10", "b@20", "c@20"), ran);
        assertEquals(0, scheduler.pending());
    }

    @Test
    void taskScheduledByATaskRunsWhenDueWithinTheSameWindow() {
        scheduler.schedule(() -> {
            ran.add("first");
            scheduler.schedule(() -> ran.add("second@" + scheduler.nanoTime()), Duration.ofSeconds(5));
            scheduler.schedule(() -> ran.add("third"), Duration.ofSeconds(50));
        }, Duration.ofSeconds(1));

        scheduler.advanceBy(Duration.ofSeconds(10));
        assertEquals(List.of("first", "second@6000000000"), ran);
        assertEquals(1, scheduler.pending());
        assertEquals(Duration.ofSeconds(10), scheduler.now());
    }

    @Test
    void cancelledTaskNeverRunsAndCancelTwiceDoesNothing() {
        Cancellable task = scheduler.schedule(() -> ran.add("cancelled"), Duration.ofSeconds(1));
        scheduler.schedule(() -> ran.add("kept"), Duration.ofSeconds(1));
        task.cancel();
        task.cancel();
        assertEquals(1, scheduler.pending());
        scheduler.advanceBy(Duration.ofSeconds(1));
        assertEquals(List.of("kept"), ran);
    }

    @Test
    void zeroDelayRunsOnlyWhenAsked() {
        scheduler.schedule(() -> ran.add("now"), Duration.ZERO);
        assertEquals(List.of(), ran);
        scheduler.runDueTasks();
        assertEquals(List.of("now"), ran);
        assertThrows(IllegalArgumentException.class, () -> scheduler.advanceBy(Duration.ofNanos(-1)));
    }
}
