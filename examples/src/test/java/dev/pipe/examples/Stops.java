package dev.pipe.examples;

import org.eclipse.jetty.server.Server;

/** How a test ends a server it started through {@link Main}, once its own assertions are done. */
final class Stops {

    private Stops() {
    }

    /**
     * Stops without the server's graceful wait (its 5 s stop timeout), where an HTTP/2 client has just hung up: Jetty
     * 12.1 can miss the end of that wait for a session that terminated while it was still closing and still listed
     * (pipe-jetty's {@code StandaloneJetty} says how), and the stop then fails with a {@code TimeoutException} after
     * 5 s. The graceful stop itself is {@code PipeServerJarIT}'s to test (SIGTERM).
     */
    static void stopNow(Server server) throws Exception {
        server.setStopTimeout(0);
        server.stop();
    }
}
