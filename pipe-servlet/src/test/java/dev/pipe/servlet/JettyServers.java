package dev.pipe.servlet;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Jetty 12 with the servlet mounted in a context of the ee10 or the ee11 environment, as an application mounts it: a
 * plain connector with Jetty's defaults, except the setting the README asks of a Jetty that serves pipes (request
 * header values kept as the client wrote them, for the forwarded {@code Content-Type}), no {@code Server} header, and
 * the 30 s idle timeout (Jetty's own default) said out loud, since the pause tests outlast it.
 */
final class JettyServers {

    /** How long a connection may stay silent outside a pipe's own timeouts. */
    static final long CONNECTION_IDLE_MS = 30_000;

    enum Environment { EE10, EE11 }

    private JettyServers() {
    }

    static TestContainer.Running start(Environment environment, String prefix, jakarta.servlet.http.HttpServlet servlet)
            throws Exception {
        return start(environment, prefix, servlet, false);
    }

    /** As above, with HTTP/2 in clear text (h2c) on the same connector when {@code h2c}. */
    static TestContainer.Running start(Environment environment, String prefix, jakarta.servlet.http.HttpServlet servlet,
                                       boolean h2c) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setHeaderCacheCaseSensitive(true);
        http.setSendServerVersion(false);
        ServerConnector connector = h2c
                ? new ServerConnector(server, new HttpConnectionFactory(http), new ChunkedStaysHttp11(http))
                : new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(CONNECTION_IDLE_MS);
        // on stop, Jetty gives idle keep-alive connections (an HttpClient's pool) 1 s to go; tests need not wait
        connector.setShutdownIdleTimeout(50);
        server.addConnector(connector);
        server.setHandler(environment == Environment.EE10 ? ee10(prefix, servlet) : ee11(prefix, servlet));
        server.start();
        return new TestContainer.Running(connector.getLocalPort(), server::stop);
    }

    private static Handler ee10(String prefix, jakarta.servlet.http.HttpServlet servlet) {
        var context = new org.eclipse.jetty.ee10.servlet.ServletContextHandler("/");
        var holder = new org.eclipse.jetty.ee10.servlet.ServletHolder("pipe", servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, PipeMapping.pathSpec(prefix));
        return context;
    }

    private static Handler ee11(String prefix, jakarta.servlet.http.HttpServlet servlet) {
        var context = new org.eclipse.jetty.ee11.servlet.ServletContextHandler("/");
        var holder = new org.eclipse.jetty.ee11.servlet.ServletHolder("pipe", servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, PipeMapping.pathSpec(prefix));
        return context;
    }

    /**
     * Jetty's h2c factory, answering a request whose body is chunked over HTTP/1.1, as pipe-jetty's
     * {@code H2cConnectionFactory} does and an embedder's connector must (Jetty upgrades such a request and loses its
     * body, jetty/jetty.project#11588): the JDK's HttpClient asks to upgrade a streamed upload on a new connection.
     */
    private static final class ChunkedStaysHttp11 extends org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory {

        ChunkedStaysHttp11(HttpConfiguration http) {
            super(http);
        }

        @Override
        public org.eclipse.jetty.io.Connection upgradeConnection(org.eclipse.jetty.server.Connector connector,
                org.eclipse.jetty.io.EndPoint endPoint, org.eclipse.jetty.http.MetaData.Request request,
                org.eclipse.jetty.http.HttpFields.Mutable response) {
            boolean chunked = request.getHttpFields().contains(org.eclipse.jetty.http.HttpHeader.TRANSFER_ENCODING);
            return chunked ? null : super.upgradeConnection(connector, endPoint, request, response);
        }
    }
}
