package dev.pipe.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The {@link Container} hooks on Jetty 12, in its ee10 or its ee11 servlet environment, through Jetty's public API
 * only: a body read straight into a pooled buffer ({@code HttpInput.read(ByteBuffer)}), a buffer written without
 * aggregation ({@code HttpOutput.write(ByteBuffer)}), a header field the servlet layer does not rewrite, the
 * HTTP/1 connection's end point (idle timeout, {@link ClientWatch}, close), and over HTTP/2 the stream's idle timeout
 * and its failures as Jetty's own request hears them ({@code Request.addFailureListener}).
 *
 * <p>Compiled against Jetty's core only: the one environment-specific step, from a servlet request to Jetty's own
 * request and response ({@code ServletContextRequest}), is found by name in each environment present
 * ({@link Environment}), so one class serves both and neither needs the other. Loaded only when Jetty is there.
 */
final class JettyContainer implements Container {

    /** The environments present here, ee10 first; empty when Jetty's servlet layer is absent. */
    private static final List<Environment> ENVIRONMENTS = Environment.present();

    private final Request request;
    private final Response response;

    private JettyContainer(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    /** Jetty's hooks for {@code request} when it is Jetty's own (not another container's, nor a test's), else null. */
    static Container of(HttpServletRequest request) {
        for (Environment environment : ENVIRONMENTS) {
            Request own = environment.own(request);
            if (own != null) {
                return new JettyContainer(own, environment.response(own));
            }
        }
        return null;
    }

    /**
     * One servlet environment's {@code ServletContextRequest}: its static {@code getServletContextRequest(ServletRequest)}
     * (which throws when the request is not this environment's) and its {@code getServletContextResponse()}.
     */
    private record Environment(MethodHandle contextRequest, MethodHandle contextResponse) {

        static List<Environment> present() {
            List<Environment> found = new ArrayList<>(2);
            for (String name : new String[] {"org.eclipse.jetty.ee10.servlet.ServletContextRequest",
                    "org.eclipse.jetty.ee11.servlet.ServletContextRequest"}) {
                Environment environment = find(name);
                if (environment != null) {
                    found.add(environment);
                }
            }
            return List.copyOf(found);
        }

        private static Environment find(String name) {
            try {
                Class<?> type = Class.forName(name, false, JettyContainer.class.getClassLoader());
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle contextRequest = lookup.findStatic(type, "getServletContextRequest",
                        MethodType.methodType(type, ServletRequest.class))
                        .asType(MethodType.methodType(Request.class, ServletRequest.class));
                Class<?> responseType = type.getMethod("getServletContextResponse").getReturnType();
                MethodHandle contextResponse = lookup.findVirtual(type, "getServletContextResponse",
                        MethodType.methodType(responseType))
                        .asType(MethodType.methodType(Response.class, Request.class));
                return new Environment(contextRequest, contextResponse);
            } catch (ReflectiveOperationException | LinkageError absent) {
                return null;
            }
        }

        /** Jetty's own request behind {@code request}, or null when it is not this environment's. */
        Request own(ServletRequest request) {
            try {
                return (Request) contextRequest.invokeExact(request);
            } catch (IllegalStateException notThisOne) {
                return null;
            } catch (Throwable unexpected) {
                throw new IllegalStateException(unexpected);
            }
        }

        /** The response of Jetty's own request. */
        Response response(Request own) {
            try {
                return (Response) contextResponse.invokeExact(own);
            } catch (Throwable unexpected) {
                throw new IllegalStateException(unexpected);
            }
        }
    }

    @Override
    public BufferReads reads(ServletInputStream in) {
        return BufferIo.reads(in);
    }

    @Override
    public BufferWrites writes(ServletOutputStream out) {
        // Jetty's own stream writes a buffer as it is; a filter's wrapper may keep it until a flush
        return BufferIo.writes(out, !out.getClass().getName().startsWith("org.eclipse.jetty."));
    }

    @Override
    public void chunked(HttpServletResponse response) {
        // Jetty sends a response that ends its connection unframed (its end is the close) unless told
        response.setHeader("Transfer-Encoding", "chunked");
    }

    @Override
    public void addExact(HttpServletResponse response, String name, String value) {
        // a field without its well-known header, so that the servlet layer leaves the value alone
        this.response.getHeaders().add(new HttpField(null, name, value));
    }

    @Override
    public void contentType(HttpServletResponse response, String type) {
        this.response.getHeaders().put(new HttpField(null, HttpHeader.CONTENT_TYPE.asString(), type));
    }

    /** The connection attribute that says an exchange on it has ended it. */
    private static final String ENDED = "dev.pipe.servlet.connectionEnded";

    @Override
    public Connection connection(HttpServletRequest servletRequest) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        EndPoint endPoint = meta.getConnection().getEndPoint();
        return new Connection() {
            private int connectorReadSize;   // the size before readSize grew it; 0 until then (the sender's loop only)

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

            @Override
            public void readSize(int bytes) {
                // Jetty takes the size at the connection's next buffer; up to the largest its pool keeps, so that
                // no read allocates a buffer of its own. A plain field in Jetty, written here by the sender's loop: a
                // read that does not see it yet reads the connector's size, which is only slower
                if (meta.getConnection() instanceof AbstractConnection reading
                        && meta.getConnector().getByteBufferPool() instanceof ArrayByteBufferPool pool) {
                    int size = Math.min(bytes, pool.getMaxCapacity());
                    if (size > reading.getInputBufferSize()) {
                        if (connectorReadSize == 0) {
                            connectorReadSize = reading.getInputBufferSize();
                        }
                        reading.setInputBufferSize(size);
                    }
                }
            }

            @Override
            public void readAsTheConnectorDoes() {
                if (connectorReadSize > 0 && meta.getConnection() instanceof AbstractConnection reading) {
                    reading.setInputBufferSize(connectorReadSize);
                }
            }
        };
    }

    @Override
    public void streamIdleTimeout(long millis) {
        // Jetty hands the exchange's stream to a wrapper function at once: HTTP/2's own stream here
        request.addHttpStreamWrapper(stream -> {
            stream.setIdleTimeout(millis);
            return stream;
        });
    }

    @Override
    public void watchStream(Consumer<Throwable> onFailed) {
        // Jetty's own request hears of every failure of its stream; a listener added after one is dropped, so a
        // connection closed already is told at once (a stream reset before now is not seen: it is told to a read or
        // a write, or the pipe's timeouts end the exchange)
        request.addFailureListener(onFailed);
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!endPoint.isOpen()) {
            onFailed.accept(new EofException("the connection closed"));
        }
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
