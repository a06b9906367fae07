package dev.pipe.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.client.cli.ReplayScheduleTest.VirtualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a sender sees on its terminal: the server's lines as they come, and a status line that says where it is. */
class TerminalTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String shown() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whileWaitingTheStatusLineSaysWhoHasJoined() throws Exception {
        Terminal terminal = new Terminal(err, new VirtualClock(), () -> 0, null, true);
        terminal.event(dev.pipe.client.SendEvent.parse("[INFO] Waiting for 8 receiver(s)..."));
        terminal.event(dev.pipe.client.SendEvent.parse("[INFO] A receiver was connected."));
        terminal.event(dev.pipe.client.SendEvent.parse("[INFO] A receiver was connected."));
        assertTrue(shown().contains("[INFO] Waiting for 8 receiver(s)...\n"), shown());
        assertTrue(shown().endsWith("\rwaiting: 2 of 8 receiver(s) here"), shown());
        terminal.stop();
        assertTrue(shown().endsWith("\r\033[K"), "the status line is cleared at the end");
    }

    @Test
    void duringAReplayTheStatusLineShowsTheLogsClock() throws Exception {
        VirtualClock clock = new VirtualClock();
        PacedInputStream paced = new PacedInputStream(new ByteArrayInputStream(
                "07:23:14 WARN lag\n07:23:15 ERR 502\n".getBytes(StandardCharsets.UTF_8)),
                new ReplaySchedule(new LogTime(), 1, null, null, null), clock, 0);
        paced.readAllBytes();
        Terminal terminal = new Terminal(err, clock, () -> 34, paced, true);
        terminal.event(dev.pipe.client.SendEvent.parse("[INFO] Start sending to 8 receiver(s)!"));
        assertTrue(shown().endsWith("\rlog 07:23:15  2 lines  34 B  8 receiver(s)"), shown());
    }

    @Test
    void offATerminalOnlyTheServersLinesAreShown() throws Exception {
        Terminal terminal = new Terminal(err, new VirtualClock(), () -> 0, null, false);
        terminal.start();
        terminal.event(dev.pipe.client.SendEvent.parse("[INFO] Waiting for 1 receiver(s)..."));
        terminal.stop();
        assertEquals("[INFO] Waiting for 1 receiver(s)...\n", shown());
        assertFalse(Terminal.interactive(Map.of("TERM", "dumb")) && System.console() == null);
        assertFalse(Terminal.interactive(Map.of("TERM", "xterm", "PIPE_PROGRESS", "0")));
    }
}
