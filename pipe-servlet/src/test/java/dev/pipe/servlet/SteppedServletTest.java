package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.pipe.servlet.Stepped.MAPPING;
import static dev.pipe.servlet.Stepped.assertClean;
import static dev.pipe.servlet.Stepped.runAll;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.PipeState;
import dev.pipe.core.testing.ManualScheduler;
import dev.pipe.servlet.fake.FakeExchange;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The servlet stepped through container orderings without a socket: scripted request bodies, response streams and
 * async contexts ({@code dev.pipe.servlet.fake}) whose callbacks run only when the test says, on the test's thread.
 * So an ordering that a real server hits once in hundreds of runs is played here every time, one step at a time, as
 * {@code RaceTest} does for the core. It also shows the servlet runs on the plain Servlet API: these fakes are not
 * Jetty's, so the {@link Container#PLAIN} path (array reads, write then flush, no connection handle) is the one taken.
 */
class SteppedServletTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Stepped.Ends ends = new Stepped.Ends();
    private final PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), scheduler, ends);
    private final PipeServlet servlet = new PipeServlet(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    /**
     * A receiver waits; a sender's whole small body has arrived with its request, so the pipe is established while
     * the sender joins, before it has set its read listener. Nothing may be read before the listener is set: a read
     * then is a blocking one, and Jetty refused the late listener with an exception that cut the sender's response
     * off (once in about 800 uploads over sockets before the fix; ReadCallbackHttpTest). Here the ordering is played
     * every time, and a read before the listener is counted by the fake.
     */
    @Test
    void aSenderWhoseBodyIsAllInIsReadOnlyOnceItListens() throws Exception {
        FakeExchange receiver = FakeExchange.get(MAPPING, "/small").build();
        servlet.service(receiver.request(), receiver.response());
        FakeExchange sender = FakeExchange.put(MAPPING, "/small").header("Content-Length", "13").build();
        sender.input().strictReady(true);
        sender.input().arrive("from the jar\n");
        sender.input().arriveEnd();

        servlet.service(sender.request(), sender.response());
        assertEquals(0, sender.input().blockingReads(), "no read before the read listener");
        runAll(receiver, sender);

        assertEquals(0, sender.input().blockingReads(), "no read before the read listener");
        assertEquals("from the jar\n", receiver.output().text());
        assertTrue(receiver.async().completed(), "the receiver's exchange completed");
        assertTrue(sender.async().completed(), "the sender's exchange completed");
        assertTrue(sender.output().text().contains("[INFO] All receiver(s) was/were received successfully.\n"),
                sender.output().text());
        assertClean(receiver, sender);
        assertEquals(PipeState.COMPLETED, lastState("small"));
    }

    /**
     * The same rule when the pipe asks for bytes at the worst moment: the receiver arrives while the sender is inside
     * {@code setReadListener}, so that the pipe is established, and asks for bytes, the moment the sender joins.
     * Checked: with the sender's loop told that it listens before {@code setReadListener} is called (the ordering of
     * the round that introduced the bug), the demand reads the body there and then, a blocking read, and this test
     * fails; so does the test above.
     */
    @Test
    void aDemandWhileTheSenderSetsItsListenerDoesNotRead() throws Exception {
        FakeExchange sender = FakeExchange.put(MAPPING, "/racing").header("Content-Length", "13").build();
        FakeExchange receiver = FakeExchange.get(MAPPING, "/racing").build();
        sender.input().arrive("from the jar\n");
        sender.input().arriveEnd();
        sender.input().whileSettingListener(() -> {
            try {
                servlet.service(receiver.request(), receiver.response());
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        });
        servlet.service(sender.request(), sender.response());
        runAll(receiver, sender);

        assertEquals(0, sender.input().blockingReads(), "no read before the read listener");
        assertEquals("from the jar\n", receiver.output().text());
        assertTrue(sender.async().completed(), "the sender's exchange completed");
        assertClean(receiver, sender);
        assertEquals(PipeState.COMPLETED, lastState("racing"));
    }

    /**
     * A body that comes in pieces while a receiver is slow: the next chunk is asked for from the receiver's write
     * completion, not from a read callback, while bytes arrive between an {@code isReady()} that said no and its
     * callback. {@code isReady()} is then asked at most once per callback (Jetty throws on a second ask while its
     * callback is pending, which cut transfers off under churn before the fix).
     */
    @Test
    void aBodyInPiecesToASlowReceiverIsAskedReadyOncePerCallback() throws Exception {
        FakeExchange receiver = FakeExchange.get(MAPPING, "/pieces").build();
        servlet.service(receiver.request(), receiver.response());
        FakeExchange sender = FakeExchange.put(MAPPING, "/pieces").header("Transfer-Encoding", "chunked").build();
        sender.input().strictReady(true);
        servlet.service(sender.request(), sender.response());
        runAll(receiver, sender);

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String piece = "line " + i + " of the incident log\n";
            expected.append(piece);
            if (i % 3 == 0) {
                receiver.output().block();
            }
            sender.input().arrive(piece);
            if (!sender.steps().isEmpty()) {
                sender.steps().runNext();      // the read callback alone first, before the receiver's
            }
            receiver.output().unblock();
            runAll(receiver, sender);
        }
        sender.input().arriveEnd();
        runAll(receiver, sender);

        assertEquals(expected.toString(), receiver.output().text());
        assertTrue(sender.async().completed(), "the sender's exchange completed");
        assertTrue(receiver.async().completed(), "the receiver's exchange completed");
        assertClean(receiver, sender);
        assertEquals(PipeState.COMPLETED, lastState("pieces"));
    }

    /**
     * The ordering the churn test found (fixed in {@code Body.ready}): with a window of two the sender has
     * asked {@code isReady()} and been told no; bytes arrive, so the container owes it a read callback; before that
     * callback runs, the receiver's write completes and the pipe asks for the next chunk from the receiver's thread;
     * the sender reads those bytes off the callback and asks {@code isReady()} again, with the callback still owed
     * and nothing left, which Jetty answers by throwing. Taken as a "not yet", the owed callback carries on; taken as
     * a failure, it cut the transfer off. Checked: with {@code Body.ready} no longer catching the exception, this test
     * fails (the receiver never gets the whole log).
     */
    @Test
    void aDemandThatComesWhileAReadCallbackIsOwedWaitsForThatCallback() throws Exception {
        PipeServlet windowTwo = new PipeServlet(new PipeRegistry(PipeConfig.defaults().withWindow(2), scheduler, ends));
        FakeExchange receiver = FakeExchange.get(MAPPING, "/owed").build();
        windowTwo.service(receiver.request(), receiver.response());
        FakeExchange sender = FakeExchange.put(MAPPING, "/owed").header("Transfer-Encoding", "chunked").build();
        sender.input().strictReady(true);
        windowTwo.service(sender.request(), sender.response());
        runAll(receiver, sender);

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 10; i += 2) {
            String first = "line " + i + " of the incident log\n";
            String second = "line " + (i + 1) + " of the incident log\n";
            expected.append(first).append(second);
            receiver.output().block();
            sender.input().arrive(first);
            sender.steps().runAll();           // read, lent; the receiver's write waits; isReady() said no
            sender.input().arrive(second);     // a read callback is owed to the sender, not yet run
            receiver.output().unblock();
            receiver.steps().runAll();         // the write completes: the next demand, off the read callback
            runAll(receiver, sender);
            assertEquals(List.of(), sender.input().callbackFailures(), "read callbacks threw");
        }
        sender.input().arriveEnd();
        runAll(receiver, sender);

        assertEquals(expected.toString(), receiver.output().text());
        assertTrue(sender.async().completed(), "the sender's exchange completed: " + sender.output().text());
        assertClean(receiver, sender);
        assertEquals(PipeState.COMPLETED, lastState("owed"));
        windowTwo.registry().close();
    }

    /**
     * A sender's client leaves while the pipe is taking it: its container reports the client gone (an
     * {@code AsyncListener.onError}) after the registry has the sender and before the servlet has its handle. The pipe
     * must hear of it: it fails, and its receiver is cut off, at once. It kept the dead sender until a timeout before
     * the fix, so that its path stayed taken; checked then: with {@code attached()} no longer reporting a failure
     * that came before the handle, this test failed. In the sender's state machine the going is posted to its loop,
     * which runs it once the join has returned, with the handle in hand.
     */
    @Test
    void aSenderThatLeavesWhileThePipeTakesItIsReportedToThePipe() throws Exception {
        FakeExchange[] joining = new FakeExchange[1];
        Stepped.Ends leavingEnds = new Stepped.Ends() {
            @Override
            public void onJoin(PipeKey key, Party party, int receivers, int expected) {
                if (party == Party.SENDER) {
                    // inside attachSender, before it returns the handle: the client goes, and the container says so
                    joining[0].clientGone(new java.io.IOException("client gone while joining"));
                    joining[0].steps().runAll();
                }
            }
        };
        PipeServlet leaving = new PipeServlet(new PipeRegistry(PipeConfig.defaults(), scheduler, leavingEnds));
        FakeExchange receiver = FakeExchange.get(MAPPING, "/leaving").build();
        leaving.service(receiver.request(), receiver.response());
        FakeExchange sender = FakeExchange.put(MAPPING, "/leaving").header("Content-Length", "100").build();
        sender.input().arrive("the first bytes of a hundred");
        joining[0] = sender;
        leaving.service(sender.request(), sender.response());
        runAll(receiver, sender);

        assertEquals(PipeState.FAILED, leavingEnds.of(leaving.registry(), "leaving"),
                "the pipe heard the sender go");
        assertTrue(receiver.async().completed(), "the receiver's exchange is over");
        assertEquals(0, leaving.registry().size(), "the path is free");
        leaving.registry().close();
    }

    /**
     * A receiver that has its Content-Length may hang up as soon as it has the last byte (over HTTP/2 the stream's end
     * comes with it), before the container reports the last write done: that is not a receiver lost. Every byte has
     * been handed over and the last write decides. Seen over TLS with HTTP/2 (about one run in six of
     * TlsTest before the fix): the sender was told its receiver aborted although the receiver's curl exited 0.
     */
    @Test
    void aReceiverThatHangsUpWithTheLastWriteOutstandingIsNotLostWhenTheWriteSucceeds() throws Exception {
        FakeExchange receiver = lastWriteOutstandingThenClientGone("/last-byte");
        receiver.output().unblock();                  // the last write is done after all
        runAll(receiver);
        assertEquals("every byte\n", receiver.output().text());
        assertEquals(PipeState.COMPLETED, lastState("last-byte"));
    }

    /** The same hang-up whose last write then fails: the loss is reported, never taken for a delivery. */
    @Test
    void aReceiverThatHangsUpWithTheLastWriteOutstandingIsLostWhenTheWriteFails() throws Exception {
        FakeExchange receiver = lastWriteOutstandingThenClientGone("/never-got-it");
        receiver.output().fail(new java.io.IOException("connection reset"));
        runAll(receiver);
        assertEquals(PipeState.FAILED, lastState("never-got-it"), "the only receiver was lost");
    }

    /** A pipe of one receiver whose whole body is handed to the receiver's writer, which cannot write it yet. */
    private FakeExchange lastWriteOutstandingThenClientGone(String path) throws Exception {
        FakeExchange receiver = FakeExchange.get(MAPPING, path).build();
        servlet.service(receiver.request(), receiver.response());
        receiver.output().block();
        FakeExchange sender = FakeExchange.put(MAPPING, path).header("Content-Length", "11").build();
        sender.input().arrive("every byte\n");
        sender.input().arriveEnd();
        servlet.service(sender.request(), sender.response());
        runAll(receiver, sender);
        assertEquals("", receiver.output().text(), "the write is outstanding");
        receiver.async().clientGone(new java.io.IOException("the client closed after the last byte"));
        runAll(receiver, sender);
        assertEquals(1, registry.census().streamingPipes(),
                "the hang-up alone does not end the pipe: the outstanding write decides");
        assertNull(registry.state(registry.key(path.substring(1))), "its path is free: every byte was handed over");
        return receiver;
    }

    private PipeState lastState(String path) throws Exception {
        return ends.of(registry, path);
    }
}
