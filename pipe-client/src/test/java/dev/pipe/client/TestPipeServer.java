package dev.pipe.client;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.access.AccessPolicy;
import dev.pipe.jetty.PipeServers;
import dev.pipe.servlet.PipeServlet;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** This project's server, in-process on a free port, with its pipes at {@code /api/v1/pipe}. */
public final class TestPipeServer implements AutoCloseable {

    private final Server server;
    private final PipeServlet servlet;

    private TestPipeServer(PipeConfig config, AccessPolicy access) throws Exception {
        servlet = new PipeServlet(config, access);
        server = PipeServers.server("127.0.0.1", 0, "/api/v1/pipe", servlet);
        server.start();
    }

    public static TestPipeServer start() throws Exception {
        return new TestPipeServer(PipeConfig.defaults(), AccessPolicy.OPEN);
    }

    public static TestPipeServer start(PipeConfig config, AccessPolicy access) throws Exception {
        return new TestPipeServer(config, access);
    }

    /** The pipes' base URL. */
    public URI pipes() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/api/v1/pipe");
    }

    public PipeServlet servlet() {
        return servlet;
    }

    @Override
    public void close() throws Exception {
        servlet.registry().close(); // fails the pipes still waiting, so that their exchanges end before the stop
        server.stop();
    }
}
