package dev.pipe.jetty;

import dev.pipe.servlet.PipeMapping;
import dev.pipe.servlet.PipeServlet;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Puts a {@link PipeServlet} on Jetty 12's ee10 environment: {@link #mount} into an application's own context, or {@link #server} for a
 * small embedded server of its own.
 *
 * <pre>{@code
 * Server server = PipeServers.server("127.0.0.1", 8080, "/api/v1/pipe", new PipeServlet());
 * server.start();
 * }</pre>
 */
public final class PipeServers {

    private PipeServers() {
    }

    /**
     * Mounts {@code servlet} at {@code pathPrefix} ({@code "/api/v1/pipe"}, or {@code "/"} for the root) of
     * {@code context}: {@code <prefix>/replay} is then the pipe {@code replay}.
     *
     * @param context    the application's context
     * @param pathPrefix where to mount it, as {@link PipeMapping#normalizePrefix} accepts it
     * @param servlet    the servlet to mount
     * @return the servlet's holder, named {@code pipe}, with async support on
     * @throws IllegalArgumentException when the prefix is not accepted
     */
    public static ServletHolder mount(ServletContextHandler context, String pathPrefix, PipeServlet servlet) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(servlet, "servlet");
        ServletHolder holder = new ServletHolder("pipe", servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, pathSpec(pathPrefix));
        return holder;
    }

    /**
     * The servlet path spec for a prefix ({@link PipeMapping#pathSpec}).
     *
     * @param pathPrefix where the servlet is mounted, such as {@code /api/v1/pipe}
     * @return the path spec, such as {@code /api/v1/pipe/*}
     */
    public static String pathSpec(String pathPrefix) {
        return PipeMapping.pathSpec(pathPrefix);
    }

    /**
     * A prefix without its trailing slash ({@link PipeMapping#normalizePrefix}).
     *
     * @param pathPrefix where the servlet is mounted, such as {@code /api/v1/pipe/}
     * @return the prefix without its trailing slashes; {@code ""} for {@code /}
     */
    public static String normalizePrefix(String pathPrefix) {
        return PipeMapping.normalizePrefix(pathPrefix);
    }

    /**
     * A server listening on {@code host:port} (port 0: any free port) with {@code servlet} at {@code pathPrefix}.
     *
     * @param host       the address to listen on, such as {@code 127.0.0.1}; null for every address
     * @param port       the port to listen on; 0 for any free port ({@link #port(Server)} tells which, once started)
     * @param pathPrefix where to mount the servlet, such as {@code /api/v1/pipe}, or {@code /} for the root
     * @param servlet    the servlet to mount
     * @return the server, not started; HTTP/1.x and h2c, with {@link PlainErrorHandler} and a 5 s stop timeout
     */
    public static Server server(String host, int port, String pathPrefix, PipeServlet servlet) {
        Server server = new Server(threadPool(), null, bufferPool());
        server.addConnector(connector(server, host, port, false));
        ServletContextHandler context = new ServletContextHandler("/");
        mount(context, pathPrefix, servlet);
        server.setHandler(context);
        server.setErrorHandler(new PlainErrorHandler());
        context.setErrorHandler(new PlainErrorHandler());
        server.setStopTimeout(5_000);
        return server;
    }

    /**
     * An HTTP/1.x and h2c connector for pipes ({@link PipeConnectionFactory}) with its limits set on purpose rather than left
     * to defaults by accident: request line and headers together at most {@value #MAX_REQUEST_HEADER} bytes (past
     * it, 431; a longer request line, 414), response headers at most 8 KiB, a connection silent for
     * {@value #CONNECTION_IDLE_MS} ms closed (a pipe lifts this for its own exchanges, whose timeouts are the pipe's),
     * a listen backlog of {@value #ACCEPT_QUEUE}, and no {@code Server} header.
     *
     * @param server         the server the connector is for
     * @param host           the address to listen on; null for every address
     * @param port           the port to listen on; 0 for any free port
     * @param trustForwarded take the client's address from {@code Forwarded} / {@code X-Forwarded-For}: only when
     *                       every request comes through a reverse proxy that sets them (docs/SECURITY.md)
     * @return the connector, with HTTP/1.x and h2c, not yet added to {@code server}
     */
    public static ServerConnector connector(Server server, String host, int port, boolean trustForwarded) {
        return connector(server, host, port, trustForwarded, true);
    }

    /**
     * As {@link #connector(Server, String, int, boolean)}, with HTTP/2 in clear text beside HTTP/1.x on the same port
     * when {@code http2} ({@link H2cConnectionFactory}: a client with prior knowledge, or one that
     * asks to upgrade with {@code Upgrade: h2c}), or HTTP/1.x alone.
     *
     * @param server         the server the connector is for
     * @param host           the address to listen on; null for every address
     * @param port           the port to listen on; 0 for any free port
     * @param trustForwarded take the client's address from the forwarding headers; see
     *                       {@link #connector(Server, String, int, boolean)}
     * @param http2          true for h2c beside HTTP/1.x, false for HTTP/1.x alone
     * @return the connector, not yet added to {@code server}
     */
    public static ServerConnector connector(Server server, String host, int port, boolean trustForwarded,
                                            boolean http2) {
        HttpConfiguration http = httpConfiguration(trustForwarded);
        // HTTP/1 first: its factory takes every connection, and hands one that starts with HTTP/2's preface, or asks
        // to upgrade, to the h2c factory after it
        ServerConnector connector = http2
                ? new ServerConnector(server, new PipeConnectionFactory(http), new H2cConnectionFactory(http))
                : new ServerConnector(server, new PipeConnectionFactory(http));
        return configure(connector, host, port);
    }

    /**
     * As {@link #connector(Server, String, int, boolean, boolean)}, serving HTTPS with {@code certificate}: HTTP/2
     * (when {@code http2}) and HTTP/1.1 chosen by ALPN, HTTP/1.1 for a client that offers neither.
     *
     * @param server         the server the connector is for
     * @param host           the address to listen on; null for every address
     * @param port           the port to listen on; 0 for any free port
     * @param trustForwarded take the client's address from the forwarding headers; see
     *                       {@link #connector(Server, String, int, boolean)}
     * @param http2          true to offer HTTP/2 beside HTTP/1.1, false for HTTP/1.1 alone
     * @param certificate    the server's certificate and key
     * @return the connector, not yet added to {@code server}
     */
    public static ServerConnector connector(Server server, String host, int port, boolean trustForwarded,
                                            boolean http2, TlsCertificate certificate) {
        HttpConfiguration http = httpConfiguration(trustForwarded);
        http.addCustomizer(new SecureRequestCustomizer());
        PipeConnectionFactory http11 = new PipeConnectionFactory(http);
        ServerConnector connector;
        if (http2) {
            // ALPN's names for the protocols (RFC 7301): Jetty finds its factories by them, whatever their case
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            alpn.setDefaultProtocol("http/1.1");
            connector = new ServerConnector(server,
                    new SslConnectionFactory(certificate.sslContextFactory(), alpn.getProtocol()), alpn,
                    new HTTP2ServerConnectionFactory(http), http11);
        } else {
            connector = new ServerConnector(server,
                    new SslConnectionFactory(certificate.sslContextFactory(), http11.getProtocol()), http11);
        }
        return configure(connector, host, port);
    }

    private static HttpConfiguration httpConfiguration(boolean trustForwarded) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER);
        http.setResponseHeaderSize(8 * 1024);
        if (trustForwarded) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        return http;
    }

    private static ServerConnector configure(ServerConnector connector, String host, int port) {
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        connector.setIdleTimeout(CONNECTION_IDLE_MS);
        return connector;
    }

    /**
     * A thread pool for a server of pipes: at most {@link #maxThreads()} threads. Nothing on a pipe blocks a thread,
     * so a few per core keep every core busy; Jetty's default bound (200) only let the pool grow with every burst of
     * connections (10,000 waiting receivers arriving at once took it from 28 to 224 threads and 5 kB more resident
     * memory per connection), with no gain in throughput, latency or skew (docs/BENCHMARKS.md).
     *
     * @return a new pool named {@code pipe}, not started
     */
    public static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads(), Math.min(8, maxThreads()));
        pool.setName("pipe");
        return pool;
    }

    /**
     * Jetty's buffer pool, keeping buffers up to {@value #LARGEST_POOLED_BUFFER} bytes rather than its default 64 KiB:
     * a streaming sender then reads a chunk of up to that size per system call into a pooled buffer (the servlet asks
     * for it once the pipe streams; a waiting sender reads what the connector reads). Against 64 KiB reads, one sender
     * to one receiver moved 7 % more per second for 14 % less CPU per byte with 256 KiB reads, and 1 MiB reads (the
     * standalone server's chunk) moved 11 % more again for 18 % less than 256 KiB (docs/BENCHMARKS.md). The pool keeps
     * at most {@value #IDLE_DIRECT_MEMORY} bytes of idle direct buffers (Jetty's own heuristic is an eighth of the
     * heap's limit), so that a burst of fast senders does not leave their read buffers behind.
     *
     * @return a new pool, for {@code new Server(threadPool, scheduler, bufferPool)}
     */
    public static ArrayByteBufferPool bufferPool() {
        // buckets every 4 KiB (-1: Jetty's factor), no bound per bucket, heap buffers by Jetty's heuristic
        return new ArrayByteBufferPool(0, -1, LARGEST_POOLED_BUFFER, -1, 0, IDLE_DIRECT_MEMORY);
    }

    /** The most idle direct memory a {@link #bufferPool()} keeps. */
    public static final long IDLE_DIRECT_MEMORY = 64L * 1024 * 1024;

    /** The largest buffer a {@link #bufferPool()} keeps: a sender's reads while its pipe streams, at most. */
    public static final int LARGEST_POOLED_BUFFER = 1024 * 1024;

    /**
     * 32, or 8 per core on a machine with more than four.
     *
     * @return the most threads of a {@link #threadPool()}
     */
    public static int maxThreads() {
        return Math.max(32, 8 * Runtime.getRuntime().availableProcessors());
    }

    /** The most bytes of a request line and headers together. */
    public static final int MAX_REQUEST_HEADER = 8 * 1024;

    /** How long a connection may stay silent outside a pipe's own timeouts. */
    public static final long CONNECTION_IDLE_MS = 30_000;

    /**
     * The listen backlog of the servers here. Jetty's default (the JDK's 50) overflows when a few hundred clients
     * connect at once, as receivers of a popular pipe do: the kernel then drops their SYNs and each such client
     * waits a second to retry. Node's default, for comparison, is 511.
     */
    public static final int ACCEPT_QUEUE = 1024;

    /**
     * The port a started server listens on.
     *
     * @param server a started server, such as one from {@link #server}
     * @return the local port of its first connector
     */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
