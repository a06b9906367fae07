package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.pipe.servlet.Stepped.MAPPING;
import static dev.pipe.servlet.Stepped.assertClean;
import static dev.pipe.servlet.Stepped.runAll;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.PipeState;
import dev.pipe.core.testing.ManualScheduler;
import dev.pipe.servlet.fake.FakeExchange;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sender's phases ({@link SenderPhase}) stepped one at a time over the scripted fakes: what it reads
 * while the pipe waits, how it learns that a waiting client left, and when a form's sender joins.
 */
class SteppedSenderTest {

    private static final String STILL_WAITING = "waiting for the rest";

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Stepped.Ends ends = new Stepped.Ends();
    private final PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), scheduler, ends);
    private final PipeServlet servlet = new PipeServlet(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    /**
     * WAITING, then HOLDING: a sender whose body is larger than the read-ahead is read to {@value PlainBody#EARLY}
     * bytes and no further while its receiver is missing, and is asked for a line every
     * {@link ServletSender#KEEP_ALIVE} (the write that shows whether its client is still there). When the receiver
     * comes, every byte, the held ones first, reaches it in order.
     */
    @Test
    void aWaitingSenderReadsAheadOnlyItsFirst64KiBAndHearsWhoIsMissing() throws Exception {
        byte[] body = bytes(200 * 1024);
        FakeExchange sender = FakeExchange.put(MAPPING, "/held").header("Content-Length", "" + body.length).build();
        for (int from = 0; from < body.length; from += 16 * 1024) {
            sender.input().arrive(Arrays.copyOfRange(body, from, Math.min(body.length, from + 16 * 1024)));
        }
        servlet.service(sender.request(), sender.response());
        runAll(sender);

        assertEquals(PlainBody.EARLY, sender.input().bytesRead(), "read ahead while the pipe waits");
        assertFalse(sender.output().text().contains(STILL_WAITING), sender.output().text());
        scheduler.advanceBy(ServletSender.KEEP_ALIVE);
        runAll(sender);
        assertTrue(sender.output().text().contains(STILL_WAITING), "a keep-alive line: " + sender.output().text());
        assertEquals(PlainBody.EARLY, sender.input().bytesRead(), "nothing more read while the pipe waits");

        FakeExchange receiver = FakeExchange.get(MAPPING, "/held").build();
        servlet.service(receiver.request(), receiver.response());
        sender.input().arriveEnd();
        runAll(receiver, sender);

        assertTrue(Arrays.equals(body, receiver.output().written()), "every byte, in order");
        assertTrue(sender.async().completed(), "the sender's exchange completed");
        assertEquals(PipeState.COMPLETED, ends.of(registry, "held"));
        assertClean(sender, receiver);
    }

    /**
     * STREAMING, then FAILING: a read that finds no memory for its buffer fails the transfer as the server's, and its
     * client, still there, is failed as the pipe fails a sender: its {@code [ERROR]} line stands for
     * {@link ServletSender#LINGER} before its exchange ends (not cut off at once, as a client that left is), and the
     * receiver is cut off short of the Content-Length.
     */
    @Test
    void aReadWithNoMemoryForItsBufferFailsTheTransferAsTheServersAndLetsTheSendersLineStand() throws Exception {
        FakeExchange receiver = FakeExchange.get(MAPPING, "/full").build();
        servlet.service(receiver.request(), receiver.response());
        FakeExchange sender = FakeExchange.put(MAPPING, "/full").header("Content-Length", "100000").build();
        sender.input().arrive(bytes(1000));
        servlet.service(sender.request(), sender.response());
        runAll(receiver, sender);
        assertEquals(1000, receiver.output().written().length, "the first bytes went through");

        sender.input().failNextRead(new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory"));
        sender.input().arrive(bytes(1000));
        runAll(receiver, sender);

        assertEquals(PipeState.FAILED, ends.of(registry, "full"));
        assertTrue(sender.output().text().contains(
                "[ERROR] The server has no memory left for this transfer: try again later."), sender.output().text());
        assertFalse(sender.async().completed(), "the sender's line stands before its exchange ends");
        assertTrue(receiver.async().completed(), "the receiver is cut off");
        assertEquals(1000, receiver.output().written().length, "short of its Content-Length");

        scheduler.advanceBy(ServletSender.LINGER);
        runAll(receiver, sender);
        assertTrue(sender.async().completed(), "after the linger the sender's exchange ends");
        assertClean(sender, receiver);
    }

    /**
     * HOLDING with the body all in: the client of a waiting sender whose small body has all arrived hangs up; the
     * pipe is given up at once and its path is free for the next sender (the bug users hit: it stayed taken for 40 s).
     */
    @Test
    void aWaitingSenderWhoseBodyIsAllInFreesItsPathWhenItLeaves() throws Exception {
        FakeExchange sender = FakeExchange.put(MAPPING, "/gone").header("Content-Length", "16384").build();
        sender.input().arrive(bytes(16384));
        sender.input().arriveEnd();
        servlet.service(sender.request(), sender.response());
        runAll(sender);
        assertEquals(1, registry.size(), "the sender waits on its pipe");

        sender.clientGone(new IOException("ctrl-C"));
        runAll(sender);

        assertEquals(0, registry.size(), "the path is free");
        assertEquals(PipeState.ABANDONED, ends.of(registry, "gone"), "given up before it started");
        FakeExchange again = FakeExchange.put(MAPPING, "/gone").header("Content-Length", "3").build();
        again.input().arrive("new");
        again.input().arriveEnd();
        servlet.service(again.request(), again.response());
        runAll(again);
        assertEquals(1, registry.size(), "the next sender on the path is taken");
        assertFalse(again.output().text().contains("[ERROR]"), again.output().text());
        assertClean(sender, again);
    }

    /**
     * READING, then JOINING: a form's sender joins only once its file part's headers are in, however they arrive, and
     * its receiver gets the file's own type and the file alone.
     */
    @Test
    void aFormJoinsOnceItsFileHeadersAreInAndSendsTheFileAlone() throws Exception {
        FakeExchange receiver = FakeExchange.get(MAPPING, "/form").build();
        servlet.service(receiver.request(), receiver.response());
        FakeExchange sender = FakeExchange.post(MAPPING, "/form")
                .header("Content-Type", "multipart/form-data; boundary=XyZ").build();
        servlet.service(sender.request(), sender.response());
        String head = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"log.txt\"\r\n"
                + "Content-Type: text/x-log\r\n\r\n";
        for (int i = 0; i < head.length(); i += 7) {
            sender.input().arrive(head.substring(i, Math.min(head.length(), i + 7)));
            runAll(receiver, sender);
            if (i + 7 < head.length()) {
                assertEquals(null, receiver.recorded().headers().get("Content-Type"),
                        "the receiver is not answered before the file's headers are in");
            }
        }
        assertEquals("text/x-log", receiver.recorded().headers().get("Content-Type"),
                "the pipe is established once the headers are in");
        sender.input().arrive("07:23:01 db-1 failover\r\n--XyZ--\r\n");
        sender.input().arriveEnd();
        runAll(receiver, sender);

        assertEquals("07:23:01 db-1 failover", receiver.output().text());
        assertTrue(receiver.async().completed(), "the receiver's exchange completed");
        assertEquals(PipeState.COMPLETED, ends.of(registry, "form"));
        assertClean(sender, receiver);
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }
}
