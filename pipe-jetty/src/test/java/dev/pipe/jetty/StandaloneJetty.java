package dev.pipe.jetty;

import dev.pipe.servlet.PipeServlet;
import dev.pipe.servlet.TestContainer;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import org.eclipse.jetty.server.Server;

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
        server.start();
        return new Running(PipeServers.port(server), () -> stopNow(server));
    }

    /**
     * Stops without the standalone server's graceful wait: a test's end is not a user's stop (Main's graceful stop
     * has its own tests), and Jetty 12.1's HTTP/2 can miss that wait's end. A session whose client hangs up while
     * no stream is open terminates while it is still CLOSING (not CLOSED) and still in its connection factory's list;
     * a graceful stop that reaches it then has its {@code shutdown()} future made after that end, which nothing
     * completes, and the stop times out after its 5 s (about one stop in thirty right after a curl exits).
     */
    static void stopNow(Server server) throws Exception {
        server.setStopTimeout(0);
        server.stop();
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
