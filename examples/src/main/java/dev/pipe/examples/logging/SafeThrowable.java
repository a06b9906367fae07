package dev.pipe.examples.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;

/**
 * A log line's exception: in full (a stack trace) only from the server's own code ({@code dev.pipe}), where it is a
 * bug to fix; from anything else (Jetty's view of a client's broken request or connection, the machine running out
 * of file descriptors) one escaped line naming the exception and its cause, since a stack trace says nothing more
 * there and a flood of them would fill the disk.
 */
public final class SafeThrowable extends ThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy proxy = event.getThrowableProxy();
        if (proxy == null) {
            return CoreConstants.EMPTY_STRING;
        }
        if (event.getLoggerName().startsWith("dev.pipe.")) {
            return super.convert(event);
        }
        StringBuilder line = new StringBuilder(" (");
        for (IThrowableProxy at = proxy; at != null; at = at.getCause()) {
            if (at != proxy) {
                line.append("; caused by ");
            }
            line.append(at.getClassName());
            if (at.getMessage() != null) {
                line.append(": ").append(at.getMessage());
            }
        }
        return SafeMessage.escape(line.append(')').toString());
    }
}
