package dev.pipe.examples.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What clients can make the server log is bounded: one line per kind per minute, then a count of the rest. */
class LogLimiterTest {

    private static final long MINUTE = 60_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000);
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();

    @BeforeEach
    void configure() {
        LogLimiter limiter = new LogLimiter(clock::get);
        limiter.setContext(context);
        limiter.start();
        context.addTurboFilter(limiter);
        written.setContext(context);
        written.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(written);
    }

    @Test
    void aThousandWarningsOfOneKindWriteOneLine() {
        Logger parser = context.getLogger("org.eclipse.jetty.http.HttpParser");
        for (int i = 0; i < 1_000; i++) {
            parser.warn("Encountered multiple `Host` headers. Previous seen as `{}`, new as `{}`", "a", "b" + i);
        }
        assertEquals(List.of("Encountered multiple `Host` headers. Previous seen as `a`, new as `b0`"), messages());
    }

    @Test
    void theNextLineAfterAMinuteSaysHowManyWereLeftOut() {
        Logger parser = context.getLogger("org.eclipse.jetty.http.HttpParser");
        for (int i = 0; i < 10; i++) {
            parser.warn("bad header {}", i);
        }
        clock.addAndGet(MINUTE);
        parser.warn("bad header {}", 10);
        assertEquals(List.of("bad header 0",
                "9 more lines like the next one (from org.eclipse.jetty.http.HttpParser) were not logged in the last"
                        + " minute", "bad header 10"), messages());
    }

    @Test
    void textAClientPutIntoThePatternCannotMakeEachLineAKindOfItsOwn() {
        Logger connection = context.getLogger("org.eclipse.jetty.server.HttpConnection");
        for (int i = 0; i < 1_000; i++) {
            connection.warn("Bad request from a client: header " + "x".repeat(60) + i);
        }
        assertEquals(1, messages().size());
    }

    @Test
    void eachKindHasItsOwnAllowance() {
        context.getLogger("org.eclipse.jetty.http.HttpParser").warn("one kind");
        context.getLogger("org.eclipse.jetty.http.HttpParser").warn("another kind");
        context.getLogger("org.eclipse.jetty.io.ManagedSelector").warn("one kind");
        assertEquals(3, messages().size());
    }

    @Test
    void theServersOwnInfoLinesAreNeverLimited() {
        Logger pipe = context.getLogger("dev.pipe.core.Pipe");
        for (int i = 0; i < 500; i++) {
            pipe.info("pipe #{} completed: n=1, 5 bytes sent, 5 delivered, waited 2 ms, streamed 3 ms", i);
        }
        assertEquals(500, messages().size());
    }

    @Test
    void theServersOwnWarningsAreLimitedLikeAnyOther() {
        Logger servlet = context.getLogger("dev.pipe.servlet.PipeServlet");
        for (int i = 0; i < 100; i++) {
            servlet.warn("PipeServlet is mounted without async support");
        }
        assertEquals(1, messages().size());
        assertTrue(messages().get(0).startsWith("PipeServlet"));
    }

    private List<String> messages() {
        return written.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
