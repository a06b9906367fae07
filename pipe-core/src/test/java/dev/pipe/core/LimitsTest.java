package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeException.Reason;
import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The registry's limits ({@link PipeConfig#maxPipes()}, {@link PipeConfig#maxWaitingPerClient()}) and its graceful
 * shutdown ({@link PipeRegistry#drain()}): past a limit a party is refused and nothing else changes; a limit's count
 * goes down exactly when a pipe or party stops counting, whichever way it ends.
 */
class LimitsTest {

    private static final String ALICE = "10.0.0.1";
    private static final String BOB = "10.0.0.2";

    private final Harness h = new Harness(PipeConfig.defaults().withMaxPipes(3).withMaxWaitingPerClient(2));

    private RecordingReceiver receiver(String path, int n, String client) throws PipeException {
        RecordingReceiver receiver = new RecordingReceiver(path);
        return receiver.attach(h.registry.attachReceiver(h.key(path), n, receiver, client));
    }

    private ScriptedSender sender(String path, int n, String client) throws PipeException {
        ScriptedSender sender = new ScriptedSender(h.buffers);
        return sender.attach(h.registry.attachSender(h.key(path), n, TransferInfo.UNKNOWN, sender, client));
    }

    // ---------------------------------------------------------------- max pipes

    @Test
    void aNewPipePastMaxPipesIsRefusedAndTheOthersGoOn() throws PipeException {
        RecordingReceiver a = receiver("a", 1, null);
        receiver("b", 1, null);
        receiver("c", 2, null);
        PipeException refused = assertThrows(PipeException.class, () -> receiver("d", 1, null));
        assertEquals(Reason.TOO_MANY_PIPES, refused.reason());
        assertEquals("The server holds as many pipes as it may (3): try again later.", refused.getMessage());
        assertThrows(PipeException.class, () -> sender("d", 1, null));
        assertEquals(3, h.registry.size());
        assertEquals(null, h.registry.state(h.key("d")), "a refused party leaves nothing behind");

        // an existing pipe still takes its parties, and completes
        receiver("c", 2, null);
        ScriptedSender toA = sender("a", 1, null).script(Harness.utf8("hello")).scriptEnd();
        h.completeAllWrites(List.of(a));
        a.assertCompletedWith("hello");
        assertTrue(toA.isFinished(), "the sender was told the transfer finished");

        // a at its end: a new pipe fits again
        receiver("d", 1, null);
        assertEquals(3, h.registry.size());
    }

    @Test
    void everyWayAPipeEndsGivesItsPlaceBack() throws PipeException {
        // expired
        receiver("a", 1, null);
        h.scheduler.advanceBy(PipeConfig.defaults().joinTimeout());
        // abandoned
        RecordingReceiver b = receiver("b", 1, null);
        b.disconnect();
        // failed
        receiver("c", 1, null);
        sender("c", 1, null).abort();
        assertEquals(0, h.registry.size());
        for (String path : List.of("d", "e", "f")) {
            receiver(path, 1, null);
        }
        assertEquals(3, h.registry.size(), "three ended pipes gave their three places back");
    }

    // ---------------------------------------------------------------- waiting parties per client

    @Test
    void aClientPastItsWaitingLimitIsRefusedAndOthersAreNot() throws PipeException {
        receiver("a", 1, ALICE);
        receiver("b", 1, ALICE);
        PipeException refused = assertThrows(PipeException.class, () -> receiver("c", 1, ALICE));
        assertEquals(Reason.TOO_MANY_WAITING, refused.reason());
        assertTrue(refused.getMessage().contains("at most 2"), refused.getMessage());
        assertThrows(PipeException.class, () -> sender("c", 1, ALICE));
        assertEquals(2, h.registry.size(), "the refused party opened no pipe");
        assertEquals(2, h.registry.waiting(ALICE));

        assertEquals(null, h.registry.state(h.key("c")), "nor did the refused sender");
        assertEquals(2, h.scheduler.pending(), "the join timers of a and b, none of the refused parties");

        // a party that completes a pipe as it joins never waits, so it is not refused
        sender("a", 1, ALICE);
        assertEquals(PipeState.STREAMING, h.registry.state(h.key("a")));
        assertEquals(1, h.registry.waiting(ALICE));

        receiver("c", 1, BOB);
        assertEquals(1, h.registry.waiting(BOB));
        // a party without a name (an adapter that cannot tell) is not counted
        sender("c", 1, null);
    }

    @Test
    void establishedPartiesNoLongerCountAsWaiting() throws PipeException {
        RecordingReceiver rx = receiver("a", 1, ALICE);
        ScriptedSender tx = sender("a", 1, ALICE);
        assertEquals(PipeState.STREAMING, h.registry.state(h.key("a")));
        assertEquals(0, h.registry.waiting(ALICE), "the streaming pipe counts as no waiting party");
        receiver("b", 1, ALICE);
        receiver("c", 1, ALICE);
        tx.sendChunk("x");
        h.completeAllWrites(List.of(rx));
        tx.end();
        h.completeAllWrites(List.of(rx));
        rx.assertCompletedWith("x");
    }

    /** Each way a waiting party stops waiting gives its client's count back, exactly once. */
    enum Leaving { RECEIVER_LEAVES, SENDER_LEAVES, EXPIRES, ESTABLISHES, REFUSED_JOIN, DRAINED, CLOSED }

    @ParameterizedTest
    @EnumSource(Leaving.class)
    void everyWayOfLeavingTheWaitGivesTheCountBack(Leaving way) throws PipeException {
        RecordingReceiver stays = receiver("stays", 2, ALICE);
        switch (way) {
            case RECEIVER_LEAVES -> receiver("p", 1, ALICE).disconnect();
            case SENDER_LEAVES -> sender("p", 1, ALICE).abort();
            case EXPIRES -> {
                receiver("p", 1, ALICE);
                h.scheduler.advanceBy(PipeConfig.defaults().joinTimeout()); // "stays" expires as well
            }
            case ESTABLISHES -> {
                receiver("p", 1, ALICE);
                sender("p", 1, BOB);
            }
            case REFUSED_JOIN -> {
                sender("p", 1, BOB);
                // a second sender on p: refused, and its count given back
                assertThrows(PipeException.class, () -> sender("p", 1, ALICE));
                receiver("p", 1, BOB);
            }
            case DRAINED -> {
                receiver("p", 1, ALICE);
                h.registry.drain();
            }
            case CLOSED -> {
                receiver("p", 1, ALICE);
                h.registry.close();
            }
        }
        int expected = switch (way) {
            case EXPIRES, DRAINED, CLOSED -> 0;   // "stays" ended as well
            default -> 1;                        // "stays" still waits
        };
        assertEquals(expected, h.registry.waiting(ALICE), way + ": " + stays);
        if (way != Leaving.DRAINED && way != Leaving.CLOSED) {
            receiver("q", 1, ALICE); // room for one more, again
            assertEquals(expected + 1, h.registry.waiting(ALICE));
        }
    }

    // ---------------------------------------------------------------- holds (a form's sender before its pipe)

    @Test
    void aHoldCountsAsAPipeAndAsAWaitingPartyUntilReleased() throws PipeException {
        List<String> expired = new java.util.ArrayList<>();
        Hold hold = h.registry.hold(ALICE, () -> expired.add("alice"));
        assertEquals(1, h.registry.waiting(ALICE));
        receiver("a", 1, ALICE);
        assertEquals(Reason.TOO_MANY_WAITING, assertThrows(PipeException.class, () -> receiver("b", 1, ALICE))
                .reason(), "the hold and the receiver are her two");
        receiver("b", 1, BOB);
        assertEquals(Reason.TOO_MANY_PIPES, assertThrows(PipeException.class, () -> receiver("c", 1, BOB)).reason(),
                "two pipes and the hold are the server's three");
        assertEquals(Reason.TOO_MANY_PIPES, assertThrows(PipeException.class, () -> h.registry.hold(BOB, () -> { }))
                .reason());

        assertTrue(hold.release(), "the first release gives the place back");
        assertFalse(hold.release(), "and only the first");
        hold.close();
        assertEquals(1, h.registry.waiting(ALICE));
        receiver("c", 1, BOB);
        h.scheduler.advanceBy(PipeConfig.defaults().joinTimeout().minusSeconds(1));
        assertEquals(List.of(), expired, "a released hold does not expire");
    }

    @Test
    void aHoldNotReleasedInTheJoinWindowExpiresOnce() throws PipeException {
        List<String> expired = new java.util.ArrayList<>();
        Hold hold = h.registry.hold(ALICE, () -> expired.add("alice"));
        h.scheduler.advanceBy(PipeConfig.defaults().joinTimeout().minusNanos(1));
        assertEquals(List.of(), expired);
        h.scheduler.advanceBy(Duration.ofNanos(1));
        assertEquals(List.of("alice"), expired);
        assertFalse(hold.release(), "the expiry released it");
        assertEquals(0, h.registry.waiting(ALICE));
        for (String path : List.of("a", "b", "c")) {
            receiver(path, 1, null); // all three places are free again
        }
        assertEquals(3, h.scheduler.pending(), "only the three join timers are left");
    }

    @Test
    void aDrainingRegistryHoldsNothing() {
        h.registry.drain();
        assertEquals(Reason.SHUTTING_DOWN, assertThrows(PipeException.class, () -> h.registry.hold(ALICE, () -> { }))
                .reason());
    }

    // ---------------------------------------------------------------- graceful shutdown

    @Test
    void drainRefusesNewPartiesFailsWaitingPipesAndLetsStreamingOnesFinish() throws Exception {
        RecordingReceiver waiting = receiver("waiting", 1, null);
        RecordingReceiver streaming = receiver("streaming", 1, null);
        ScriptedSender sender = sender("streaming", 1, null);
        sender.sendChunk("first ");

        h.registry.drain();

        waiting.assertAborted(Reason.SHUTTING_DOWN);
        PipeException refused = assertThrows(PipeException.class, () -> receiver("new", 1, null));
        assertEquals(Reason.SHUTTING_DOWN, refused.reason());
        assertEquals(PipeState.STREAMING, h.registry.state(h.key("streaming")), "the streaming pipe goes on");
        assertFalse(h.registry.awaitEmpty(Duration.ZERO));

        h.completeAllWrites(List.of(streaming));
        sender.sendChunk("and last");
        h.completeAllWrites(List.of(streaming));
        sender.end();
        h.completeAllWrites(List.of(streaming));
        streaming.assertCompletedWith("first and last");
        assertTrue(h.registry.awaitEmpty(Duration.ZERO), "nothing left once the streaming pipe ended");
        h.registry.close();
        h.assertNothingLeft();
    }

    @Test
    void closeAfterTheGracePeriodCutsTheStreamingPipesOff() throws Exception {
        RecordingReceiver streaming = receiver("streaming", 1, null);
        ScriptedSender sender = sender("streaming", 1, null);
        sender.sendChunk("partial");
        h.completeAllWrites(List.of(streaming));

        h.registry.drain();
        assertFalse(h.registry.awaitEmpty(Duration.ofMillis(1)), "the sender never ends");
        h.registry.close();

        streaming.assertAborted(Reason.SHUTTING_DOWN);
        assertEquals(Reason.SHUTTING_DOWN, sender.failure().reason());
        h.assertNothingLeft();
    }

    @Test
    void limitsOfTheConfigAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> PipeConfig.defaults().withMaxPipes(0));
        assertThrows(IllegalArgumentException.class, () -> PipeConfig.defaults().withMaxWaitingPerClient(-1));
        assertEquals(20_000, PipeConfig.defaults().maxPipes());
        assertEquals(0, PipeConfig.defaults().maxWaitingPerClient(), "no per-client limit unless asked");
    }
}
