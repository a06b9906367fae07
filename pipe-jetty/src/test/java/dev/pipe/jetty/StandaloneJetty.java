package dev.pipe.jetty;

import dev.pipe.servlet.PipeServlet;
import dev.pipe.servlet.TestContainer;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server {@link PipeServers#server} builds, the standalone server's (HTTP/1.x and h2c on one port), as a container
 * for a test server; or the same with HTTP/1.x alone ({@code --http2 false}).
 */
public final class StandaloneJetty implements TestContainer {

    public static final StandaloneJetty INSTANCE = new StandaloneJetty(true);
    public static final StandaloneJetty WITHOUT_HTTP2 = new StandaloneJetty(false);

    private final boolean http2;

    private StandaloneJetty(boolean http2) {
        this.http2 = http2;
    }

    @Override
    public Running start(String prefix, HttpServlet servlet) throws Exception {
        Server server = PipeServers.server("127.0.0.1", 0, prefix, (PipeServlet) servlet);
        if (!http2) {
            server.removeConnector(server.getConnectors()[0]);
            server.addConnector(PipeServers.connector(server, "127.0.0.1", 0, false, false));
        }
        // on stop, Jetty gives idle keep-alive connections (an HttpClient's pool) 1 s to go; tests need not wait
        ((ServerConnector) server.getConnectors()[0]).setShutdownIdleTimeout(50);
        server.start();
        return new Running(PipeServers.port(server), server::stop);
    }

    @Override
    public boolean noticesAWaitingPartyLeaving() {
        return true;
    }

    @Override
    public boolean noticesAStreamingReceiverLeavingAtOnce() {
        return true;
    }

    @Override
    public boolean endsPipeConnections() {
        return true;
    }

    @Override
    public int headersTooLarge() {
        return 431;
    }

    @Override
    public int requestLineTooLong() {
        return 414;
    }

    @Override
    public Duration idleTimeout() {
        return Duration.ofMillis(PipeServers.CONNECTION_IDLE_MS);
    }
}
