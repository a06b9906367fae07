package dev.pipe.servlet;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Servlet containers the HTTP tests run the pipe servlet on, each embedded on a free loopback port with the servlet
 * mounted as an application would. Which run here is the class path's choice: Jetty ee10, Jetty ee11 and Tomcat 11 in
 * pipe-servlet, Tomcat 10.1 in pipe-servlet-tomcat10 ({@link #underTest()}). Each starts through a class of its own,
 * so that a container absent from the class path is never loaded.
 */
public enum Containers implements TestContainer {

    /** Jetty 12's ee10 environment (Servlet 6.0; Spring Boot 3's Jetty, the standalone server's). */
    JETTY_EE10 {
        @Override
        public Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception {
            return JettyServers.start(JettyServers.Environment.EE10, prefix, servlet);
        }
    },

    /**
     * Jetty's ee10 environment with HTTP/2 in clear text beside HTTP/1.1, and a client that asks for HTTP/2: the
     * receivers' exchanges go over HTTP/2 streams, the senders' (a request with a body is not upgraded) over HTTP/1.1.
     */
    JETTY_EE10_H2C {
        @Override
        public Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception {
            return JettyServers.start(JettyServers.Environment.EE10, prefix, servlet, true);
        }

        @Override
        public java.net.http.HttpClient.Version clientVersion() {
            return java.net.http.HttpClient.Version.HTTP_2;
        }
    },

    /** Jetty 12.1's ee11 environment (Servlet 6.1; Spring Boot 4's Jetty). */
    JETTY_EE11 {
        @Override
        public Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception {
            return JettyServers.start(JettyServers.Environment.EE11, prefix, servlet);
        }
    },

    /** Embedded Tomcat: 11 (Servlet 6.1) here, 10.1 (Servlet 6.0) in pipe-servlet-tomcat10. */
    TOMCAT {
        @Override
        public Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception {
            return TomcatServers.start(prefix, servlet);
        }
    };

    /**
     * The containers to run on: all, or those the system property {@code pipe.test.containers} names
     * ({@code TOMCAT}, comma-separated), for a class path that holds only some of them.
     */
    public static List<Containers> underTest() {
        String names = System.getProperty("pipe.test.containers", "");
        if (names.isBlank()) {
            return List.of(values());
        }
        return Arrays.stream(names.split(",")).map(name -> valueOf(name.strip().toUpperCase(Locale.ROOT))).toList();
    }

    private boolean jetty() {
        return this != TOMCAT;
    }

    /**
     * True when the container lets the servlet notice a waiting party (its request all read, nothing written yet)
     * hanging up: Jetty, through its connection's end point; Tomcat offers no such handle, so a waiting receiver that
     * left is noticed when the pipe starts or its join window ends (PROTOCOL.md section 12).
     */
    @Override
    public boolean noticesAWaitingPartyLeaving() {
        return jetty();
    }

    /**
     * True when a streaming receiver that hangs up is noticed at once: Jetty watches the connection; Tomcat notices
     * it at the next write to it (the next chunk), PROTOCOL.md section 12.
     */
    @Override
    public boolean noticesAStreamingReceiverLeavingAtOnce() {
        return jetty();
    }

    /** True when a pipe's response ends its connection ({@code Connection: close}): Jetty's; Tomcat keeps it. */
    @Override
    public boolean endsPipeConnections() {
        return jetty();
    }

    /** The status the container's own parser gives a request whose headers are too large: 431; Tomcat's 400. */
    @Override
    public int headersTooLarge() {
        return jetty() ? 431 : 400;
    }

    /** The status the container's own parser gives a request line that is too long: 414; Tomcat's 400. */
    @Override
    public int requestLineTooLong() {
        return jetty() ? 414 : 400;
    }

    /**
     * Jetty's connector idle timeout (30 s), which the servlet lifts for a pipe's exchanges; Tomcat's connection
     * timeout as its own server.xml sets it (20 s), which only the README's setting raises.
     */
    @Override
    public Duration idleTimeout() {
        return Duration.ofMillis(jetty() ? JettyServers.CONNECTION_IDLE_MS : TomcatServers.TOMCAT_CONNECTION_TIMEOUT_MS);
    }

    @Override
    public String toString() {
        return this == TOMCAT ? "TOMCAT " + TomcatServers.version() : name();
    }
}
