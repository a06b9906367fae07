package dev.pipe.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Field;
import java.util.function.Consumer;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Container} hooks on Tomcat 10.1 and 11: its streams' own {@code ByteBuffer} reads and writes
 * ({@link BufferIo}), and the plain Servlet API's answer to everything else, except that a response is cut
 * off the way Tomcat cuts one on an error ({@code ActionCode.CLOSE_NOW}: the connection is closed without the body's
 * end), where the plain API could only complete it, so that a cut would look like an end; and that a forwarded header
 * keeps its value exactly. Both reach Tomcat's own response behind its facade, which Tomcat offers no public way to.
 * Loaded only when Tomcat is there ({@link Container#of}).
 */
final class TomcatContainer implements Container {

    private static final Logger LOG = LoggerFactory.getLogger(TomcatContainer.class);

    static final TomcatContainer INSTANCE = new TomcatContainer();

    /** The facade's own response: Tomcat offers no public way from the one to the other. */
    private static final Field RESPONSE = responseField();

    private TomcatContainer() {
    }

    /** True when {@code response} is Tomcat's own, and its hook can be reached. */
    static boolean owns(HttpServletResponse response) {
        return RESPONSE != null && response instanceof ResponseFacade;
    }

    private static Field responseField() {
        try {
            Field field = ResponseFacade.class.getDeclaredField("response");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException unreachable) {
            LOG.debug("Tomcat's response cannot be reached: a cut-off response will look complete", unreachable);
            return null;
        }
    }

    @Override
    public BufferReads reads(ServletInputStream in) {
        return BufferIo.reads(in); // Tomcat's own read(ByteBuffer), 10.1's as well as 11's (Servlet 6.1)
    }

    @Override
    public BufferWrites writes(ServletOutputStream out) {
        return BufferIo.writes(out, true); // copied into Tomcat's buffer: a flush follows
    }

    @Override
    public void chunked(HttpServletResponse response) {
        PLAIN.chunked(response);
    }

    @Override
    public void addExact(HttpServletResponse response, String name, String value) {
        // Tomcat rewrites a Content-Type given to addHeader ("; charset" becomes ";charset"): its own headers don't
        Response own = own(response);
        if (own == null) {
            PLAIN.addExact(response, name, value);
        } else {
            own.getCoyoteResponse().getMimeHeaders().addValue(name).setString(value);
        }
    }

    @Override
    public void contentType(HttpServletResponse response, String type) {
        PLAIN.contentType(response, type);
    }

    @Override
    public void streamIdleTimeout(long millis) {
        PLAIN.streamIdleTimeout(millis);
    }

    @Override
    public void watchStream(Consumer<Throwable> onFailed) {
        PLAIN.watchStream(onFailed);
    }

    /** Tomcat's own response behind its facade, or null when it cannot be reached. */
    private static Response own(HttpServletResponse response) {
        try {
            return (Response) RESPONSE.get(response);
        } catch (ReflectiveOperationException | RuntimeException x) {
            LOG.debug("Tomcat's response cannot be reached", x);
            return null;
        }
    }

    @Override
    public Connection connection(HttpServletRequest request) {
        return Connection.NONE;
    }

    @Override
    public void abort(HttpServletResponse response, AsyncContext async) {
        Response own = own(response);
        if (own != null) {
            own.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null);
        }
        PLAIN.abort(response, async);
    }
}
