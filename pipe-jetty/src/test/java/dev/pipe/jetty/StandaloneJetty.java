package dev.pipe.jetty;

import dev.pipe.servlet.PipeServlet;
import dev.pipe.servlet.TestContainer;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The server {@link PipeServers#server} builds, the standalone server's, as a container for a test server. */
public final class StandaloneJetty implements TestContainer {

    public static final StandaloneJetty INSTANCE = new StandaloneJetty();

    private StandaloneJetty() {
    }

    @Override
    public Running start(String prefix, HttpServlet servlet) throws Exception {
        Server server = PipeServers.server("127.0.0.1", 0, prefix, (PipeServlet) servlet);
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
