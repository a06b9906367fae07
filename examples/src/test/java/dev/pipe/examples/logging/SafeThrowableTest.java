package dev.pipe.examples.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Only the server's own failures carry a stack trace; what Jetty reports of a client or the machine is one line. */
class SafeThrowableTest {

    private final LoggerContext context = new LoggerContext();

    @Test
    void aJettyFailureIsOneEscapedLine() {
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger(
                "org.eclipse.jetty.server.ServerConnector"), Level.WARN, "Accept Failure",
                new IOException("Too many open files", new IllegalStateException("bad\u001b[31m")), null);
        assertEquals(" (java.io.IOException: Too many open files; caused by java.lang.IllegalStateException: "
                + "bad\\u001b[31m)", converter().convert(event));
    }

    @Test
    void theServersOwnFailureKeepsItsStackTrace() {
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("dev.pipe.servlet.PipeServlet"),
                Level.ERROR, "a pipe request failed", new IllegalStateException("a bug"), null);
        String text = converter().convert(event);
        assertTrue(text.contains("java.lang.IllegalStateException: a bug") && text.contains("\tat "), text);
    }

    private SafeThrowable converter() {
        SafeThrowable converter = new SafeThrowable();
        converter.setContext(context);
        converter.start();
        return converter;
    }
}
