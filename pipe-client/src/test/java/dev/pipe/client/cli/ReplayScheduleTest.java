package dev.pipe.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When each line of a log goes out, on a virtual clock: every timestamp shape, lines without one, gaps, windows, speed. */
class ReplayScheduleTest {

    private static List<Long> millis(ReplaySchedule schedule, String... lines) {
        List<Long> at = new ArrayList<>();
        for (String line : lines) {
            long nanos = schedule.offer(line);
            at.add(nanos == ReplaySchedule.SKIP ? null : nanos / 1_000_000);
        }
        return at;
    }

    private static ReplaySchedule plain() {
        return new ReplaySchedule(new LogTime(), 1, null, null, null);
    }

    @Test
    void everyCommonShapeGivesTheMomentItWasWritten() {
        assertEquals(List.of(0L, 1500L, 3000L), millis(plain(), "07:23:14 WARN lag", "07:23:15.5 ERR 502",
                "07:23:17,000 ERR 504"), "a time of day at the start, with a fraction");
        assertEquals(List.of(0L, 250L, 2250L), millis(plain(), "2026-05-04T07:23:14Z a", "2026-05-04T07:23:14.250Z b",
                "2026-05-04 09:23:16.250+02:00 c"), "ISO-8601 with its zone");
        assertEquals(List.of(0L, 61000L), millis(plain(), "May  4 07:23:14 host app: a", "May  4 07:24:15 host app: b"),
                "syslog");
        assertEquals(List.of(0L, 2000L), millis(plain(), "10.0.0.1 - - [04/May/2026:07:23:14 +0000] \"GET / HTTP/1.1\" 200",
                "10.0.0.1 - - [04/May/2026:07:23:16 +0000] \"GET /a HTTP/1.1\" 502"), "the Common Log Format");
        assertEquals(List.of(0L, 1000L), millis(plain(), "[2026-05-04T07:23:14Z] a", "[2026-05-04T07:23:15Z] b"),
                "ISO-8601 in brackets");
    }

    @Test
    void aPatternFindsTheShapesTheCommonOnesDoNot() {
        ReplaySchedule schedule = new ReplaySchedule(new LogTime("dd.MM.yyyy HH:mm:ss"), 1, null, null, null);
        assertEquals(List.of(0L, 90_000L), millis(schedule, "04.05.2026 07:23:14 a", "04.05.2026 07:24:44 b"));
        assertThrows(IllegalArgumentException.class, () -> new LogTime("not a {pattern"));
    }

    @Test
    void aLineWithoutATimestampGoesWithTheLineBeforeIt() {
        assertEquals(List.of(0L, 0L, 2000L, 2000L, 2000L), millis(plain(), "a header without a time",
                "07:23:14 ERR boom", "07:23:16 ERR java.lang.IllegalStateException", "\tat a.b(C.java:1)",
                "\tat d.e(F.java:2)"));
    }

    @Test
    void aTimeThatGoesBackGoesAtOnceAndMidnightIsPassedForward() {
        assertEquals(List.of(0L, 2000L, 2000L, 3000L), millis(plain(), "07:23:14 a", "07:23:16 b", "07:23:15 c (late)",
                "07:23:17 d"));
        assertEquals(List.of(0L, 2000L), millis(plain(), "23:59:59 a", "00:00:01 b"), "past midnight");
    }

    @Test
    void longSilencesAreShortenedToTheLongestGapAndCounted() {
        ReplaySchedule schedule = new ReplaySchedule(new LogTime(), 1, Duration.ofSeconds(5), null, null);
        assertEquals(List.of(0L, 3000L, 8000L, 9000L), millis(schedule, "07:00:00 a", "07:00:03 b", "07:42:00 c",
                "07:42:01 d"));
        assertEquals(1, schedule.shortened());
        assertEquals(Duration.ofSeconds(42 * 60 - 3 - 5), schedule.shortenedBy());
    }

    @Test
    void aWindowSendsOnlyTheLinesWrittenInIt() {
        ReplaySchedule schedule = new ReplaySchedule(new LogTime(), 1, null, LocalTime.of(7, 20), LocalTime.of(7, 30));
        assertEquals(java.util.Arrays.asList(null, null, 0L, 0L, 4000L, null, null), millis(schedule,
                "07:19:59 before", "\tat before.continued", "07:20:00 first", "\tat first.continued", "07:20:04 second",
                "07:30:00 after", "\tat after.continued"));
    }

    @Test
    void theSpeedDividesEveryMoment() {
        ReplaySchedule twice = new ReplaySchedule(new LogTime(), 2, null, null, null);
        assertEquals(List.of(0L, 500L, 2000L), millis(twice, "07:23:14 a", "07:23:15 b", "07:23:18 c"));
        ReplaySchedule half = new ReplaySchedule(new LogTime(), 0.5, null, null, null);
        assertEquals(List.of(0L, 2000L), millis(half, "07:23:14 a", "07:23:15 b"));
        assertThrows(IllegalArgumentException.class, () -> new ReplaySchedule(new LogTime(), 0, null, null, null));
    }

    @Test
    void theSeedsLogPlaysAtItsOwnPace() throws IOException {
        List<String> lines;
        try (var in = getClass().getResourceAsStream("/incident-sample.log")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<Long> at = millis(plain(), lines.toArray(new String[0]));
        assertEquals(0L, at.get(0));
        assertEquals(4000L, at.get(at.size() - 1), "07:23:10 to 07:23:14");
        assertNull(new LogTime().of("no time here"));
    }

    /** The paced stream waits for each line's moment on the clock it is given, and keeps every byte. */
    @Test
    void thePacedStreamHandsEachLineOnAtItsMoment() throws IOException {
        VirtualClock clock = new VirtualClock();
        String log = "07:23:14 a\n07:23:15 b\r\n\tat c\n07:23:17 d";
        PacedInputStream paced = new PacedInputStream(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)),
                plain(), clock, 0);
        String out = new String(paced.readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(log, out);
        assertEquals(List.of(0L, 1000L, 1000L, 3000L), clock.sleptUntilMillis);
        assertEquals(4, paced.lines());
    }

    /** A clock that moves only when asked to wait, and notes each wait. */
    static final class VirtualClock implements Clock {
        long now;
        final List<Long> sleptUntilMillis = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long nanos) {
            sleptUntilMillis.add(nanos / 1_000_000);
            now = Math.max(now, nanos);
        }
    }
}
