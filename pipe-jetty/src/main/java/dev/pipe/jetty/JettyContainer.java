package dev.pipe.jetty;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.HttpInput;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.ee10.servlet.ServletApiResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * The {@link Container} hooks on Jetty 12's ee10 servlet environment, through its public API only: a body read
 * straight into a pooled buffer ({@link HttpInput#read(java.nio.ByteBuffer)}), a buffer written without aggregation
 * ({@link HttpOutput#write(java.nio.ByteBuffer)}), a header field the servlet layer does not rewrite, and the HTTP/1
 * connection's end point (idle timeout, {@link ClientWatch}, close). Loaded only when Jetty is there.
 */
final class JettyContainer implements Container {

    static final JettyContainer INSTANCE = new JettyContainer();

    private JettyContainer() {
    }

    /** True when {@code request} is Jetty's own (not another container's, nor a test's). */
    static boolean owns(HttpServletRequest request) {
        return contextRequest(request) != null;
    }

    private static ServletContextRequest contextRequest(HttpServletRequest request) {
        try {
            return ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException notJettys) {
            return null;
        }
    }

    @Override
    public BufferReads reads(ServletInputStream in) {
        return in instanceof HttpInput input ? input::read : null;
    }

    @Override
    public BufferWrites writes(ServletOutputStream out) {
        return out instanceof HttpOutput output ? output::write : null;
    }

    @Override
    public void chunked(HttpServletResponse response) {
        // Jetty sends a response that ends its connection unframed (its end is the close) unless told
        response.setHeader("Transfer-Encoding", "chunked");
    }

    @Override
    public void addExact(HttpServletResponse response, String name, String value) {
        if (response instanceof ServletApiResponse jetty) {
            // a field without its well-known header, so that the servlet layer leaves the value alone
            jetty.getResponse().getHeaders().add(new HttpField(null, name, value));
        } else {
            response.addHeader(name, value);
        }
    }

    /** The connection attribute that says an exchange on it has ended it. */
    private static final String ENDED = "dev.pipe.jetty.connectionEnded";

    @Override
    public Connection connection(HttpServletRequest request) {
        ServletContextRequest servletRequest = contextRequest(request);
        if (servletRequest == null) {
            return Connection.NONE;
        }
        ConnectionMetaData meta = servletRequest.getConnectionMetaData();
        EndPoint endPoint = meta.getConnection().getEndPoint();
        return new Connection() {
            @Override
            public long idleTimeout(long millis) {
                long was = endPoint.getIdleTimeout();
                endPoint.setIdleTimeout(millis);
                return was;
            }

            @Override
            public boolean watch(Runnable onClosed) {
                return ClientWatch.watch(endPoint, onClosed);
            }

            @Override
            public void close() {
                endPoint.close();
            }

            @Override
            public boolean shutdownOutput() {
                endPoint.shutdownOutput();
                return true;
            }

            @Override
            public boolean endWithExchange() {
                meta.setAttribute(ENDED, Boolean.TRUE);
                return true;
            }

            @Override
            public boolean endedEarlier() {
                return meta.getAttribute(ENDED) != null;
            }
        };
    }

    @Override
    public void abort(HttpServletResponse response, AsyncContext async) {
        try {
            response.sendError(-1); // Jetty: abort the exchange, no error page; never written as a status
        } catch (Exception x) {
            // the exchange is over either way; the connection is closed next
        }
    }
}
