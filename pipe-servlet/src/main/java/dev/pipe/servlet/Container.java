package dev.pipe.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the servlet takes from its container beyond the Servlet 6.0 API, chosen once per exchange
 * ({@link #of}): reads and writes of {@code ByteBuffer}s (Servlet 6.1's, or the container's own: {@link BufferIo}),
 * a header value kept exactly as given, and on Jetty the connection (its idle timeout, a watch for the client hanging
 * up, a hard close); a cut-off response in each container's own way ({@link JettyContainer}, {@link TomcatContainer});
 * elsewhere, the plain API's answer to each ({@link #PLAIN}). The state machines above never see which.
 */
interface Container {

    /** Reads into the free space of a buffer: bytes read, 0 for none now, -1 at the end of the body. */
    @FunctionalInterface
    interface BufferReads {
        int read(ByteBuffer into) throws IOException;
    }

    /** Writes a buffer, all of it; without aggregating it (it leaves at once) unless {@link #aggregates()}. */
    @FunctionalInterface
    interface BufferWrites {
        void write(ByteBuffer bytes) throws IOException;

        /** True when the container may keep the bytes until a flush, which must then follow each write. */
        default boolean aggregates() {
            return false;
        }
    }

    /** The connection an exchange may act on (an HTTP/1 one); {@link #NONE} when the container gives no handle. */
    interface Connection {
        /** Sets the connection's idle timeout; returns the one it had (0 when unknown). */
        long idleTimeout(long millis);

        /** Watches a connection whose request is all read; {@code onClosed} runs when the client hangs up. */
        boolean watch(Runnable onClosed);

        /** Closes the connection at once, so that a cut-off response cannot be taken for a complete one. */
        void close();

        /**
         * Shuts the connection's output after what was written (a FIN, not a reset), so that the client reads every
         * byte written and then the connection's end, without the body's end; the input stays open to be drained.
         * False when it cannot.
         */
        boolean shutdownOutput();

        /**
         * Ends the connection with this exchange, whose response then says {@code Connection: close}, so that a
         * request pipelined after it is not served ({@link #endedEarlier()}); false where the container keeps or
         * closes it as HTTP has it (nothing to say).
         */
        boolean endWithExchange();

        /** True when an earlier exchange on this connection ended it: this request was pipelined after it. */
        boolean endedEarlier();

        /**
         * Reads the rest of the request up to {@code bytes} at a time, where the container lets an exchange choose
         * (a streaming sender: a chunk per system call, not the connector's smaller reads, which a waiting one keeps).
         */
        void readSize(int bytes);

        /**
         * Reads as the connector did before {@link #readSize}: once the exchange no longer streams, so that what the
         * container still reads (the rest of a failed request, consumed as it completes; the connection's next
         * request) takes none of the chunk's size, of which there may be no memory left.
         */
        void readAsTheConnectorDoes();

        Connection NONE = new Connection() {
            @Override
            public long idleTimeout(long millis) {
                return 0;
            }

            @Override
            public boolean watch(Runnable onClosed) {
                return false;
            }

            @Override
            public void close() {
            }

            @Override
            public boolean shutdownOutput() {
                return false;
            }

            @Override
            public boolean endWithExchange() {
                return false;
            }

            @Override
            public boolean endedEarlier() {
                return false;
            }

            @Override
            public void readSize(int bytes) {
            }

            @Override
            public void readAsTheConnectorDoes() {
            }
        };
    }

    /** Buffer reads of {@code in}, or null: read through an array. */
    BufferReads reads(ServletInputStream in);

    /** Buffer writes of {@code out}, or null: write an array, then flush. */
    BufferWrites writes(ServletOutputStream out);

    /** Makes an HTTP/1.1 response of unknown length chunked, even though it ends its connection. */
    void chunked(HttpServletResponse response);

    /** Adds a header whose value must reach the client exactly as given (a forwarded {@code Content-Type}). */
    void addExact(HttpServletResponse response, String name, String value);

    /**
     * Sets the response's own {@code Content-Type} exactly as given: no charset added (Jetty's ee11 environment adds
     * {@code ;charset=iso-8859-1} to a {@code text/*} type set through the servlet API).
     */
    void contentType(HttpServletResponse response, String type);

    /**
     * The request's connection, or {@link Connection#NONE}; asked for only when the exchange has it to itself
     * ({@link Wire#ownsConnection()}).
     */
    Connection connection(HttpServletRequest request);

    /**
     * Sets the idle timeout of the exchange's own stream, where it shares its connection (HTTP/2), so that the
     * container's default does not cut a waiting or paused pipe: the pipe's timeouts govern. Nothing where the
     * container gives no handle.
     */
    void streamIdleTimeout(long millis);

    /**
     * Runs {@code onFailed} when the container fails the exchange's own stream, where it shares its connection
     * (HTTP/2): the client reset the stream or its connection closed, whether the request is still being handled or
     * waits; at once when the connection is closed already. Jetty's servlet layer tells an {@code AsyncListener} only
     * of a failure that comes while the request waits, and drops one that comes while it is still being handled (a
     * receiver that joined its pipe and hung up before the servlet returned would keep its place). Nothing where the
     * container gives no handle: its {@code AsyncListener} is told.
     */
    void watchStream(Consumer<Throwable> onFailed);

    /** Ends a response so that the client sees it cut off, never complete; the exchange is over after it. */
    void abort(HttpServletResponse response, AsyncContext async);

    /**
     * The plain Servlet API: {@code ByteBuffer} reads and writes where it is 6.1, arrays on 6.0; {@code addHeader};
     * no connection handle.
     */
    Container PLAIN = new Container() {
        @Override
        public BufferReads reads(ServletInputStream in) {
            return BufferIo.SERVLET_61 ? BufferIo.reads(in) : null;
        }

        @Override
        public BufferWrites writes(ServletOutputStream out) {
            return BufferIo.SERVLET_61 ? BufferIo.writes(out, true) : null;
        }

        @Override
        public void chunked(HttpServletResponse response) {
            // a container frames a response of unknown length by itself; a header set by hand may defeat that
        }

        @Override
        public void addExact(HttpServletResponse response, String name, String value) {
            response.addHeader(name, value);
        }

        @Override
        public void contentType(HttpServletResponse response, String type) {
            response.setContentType(type);
        }

        @Override
        public Connection connection(HttpServletRequest request) {
            return Connection.NONE;
        }

        @Override
        public void streamIdleTimeout(long millis) {
            // the plain API has no stream to set it on
        }

        @Override
        public void watchStream(Consumer<Throwable> onFailed) {
            // the plain API tells the exchange's AsyncListener
        }

        @Override
        public void abort(HttpServletResponse response, AsyncContext async) {
            // The plain API has no way to cut a response off: the exchange is completed so that the container frees
            // it, and a client that was promised a Content-Length sees it short. A chunked body ends cleanly here;
            // a container's own way to cut it belongs in its Container.
            try {
                async.complete();
            } catch (IllegalStateException over) {
                // completed already
            }
        }
    };

    /** Jetty's hooks when this request is Jetty's own, Tomcat's when it is Tomcat's, else the plain API. */
    static Container of(HttpServletRequest request, HttpServletResponse response) {
        if (Presence.JETTY) {
            Container jetty = JettyContainer.of(request);
            if (jetty != null) {
                return jetty;
            }
        }
        if (Presence.TOMCAT && TomcatContainer.owns(response)) {
            return TomcatContainer.INSTANCE;
        }
        return PLAIN;
    }

    /** Which containers' classes can be loaded here at all (another container's are absent). */
    final class Presence {
        static final boolean JETTY = present("org.eclipse.jetty.server.Request");
        static final boolean TOMCAT = present("org.apache.catalina.connector.ResponseFacade");

        private Presence() {
        }

        private static boolean present(String name) {
            try {
                Class.forName(name, false, Container.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError absent) {
                return false;
            }
        }
    }
}
