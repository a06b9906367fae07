package dev.pipe.servlet;

/**
 * A container a {@link TestServer} runs the servlet on: {@link Containers} for the servlet's own tests, a Jetty server
 * built as the standalone server builds it for pipe-jetty's. Its capabilities say what the tests may expect of it.
 */
public interface TestContainer {

    /** Starts a container with {@code servlet} mapped at {@code prefix + "/*"} on 127.0.0.1, a free port. */
    Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception;

    /** True when a waiting party hanging up is noticed at once (PROTOCOL.md section 12). */
    boolean noticesAWaitingPartyLeaving();

    /** True when a streaming receiver hanging up is noticed at once, not at the next write. */
    boolean noticesAStreamingReceiverLeavingAtOnce();

    /** True when a pipe's response ends its connection ({@code Connection: close}). */
    boolean endsPipeConnections();

    /** The status the container's parser gives headers that are too large. */
    int headersTooLarge();

    /** The status the container's parser gives a request line that is too long. */
    int requestLineTooLong();

    /**
     * The HTTP version the test server's client asks for: HTTP/1.1, or HTTP/2, which the JDK's client reaches over
     * clear text by {@code Upgrade: h2c} on a request without a body (a receiver's), a sender staying on HTTP/1.1.
     */
    default java.net.http.HttpClient.Version clientVersion() {
        return java.net.http.HttpClient.Version.HTTP_1_1;
    }

    /** How long the container lets a connection stay silent, outside what the servlet lifts for a pipe. */
    java.time.Duration idleTimeout();

    /** A started container: its port, and how to stop it. */
    record Running(int port, Stop stop) {
    }

    @FunctionalInterface
    interface Stop {
        void stop() throws Exception;
    }
}
