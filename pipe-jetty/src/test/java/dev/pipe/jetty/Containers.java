package dev.pipe.jetty;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Server;

/** The Servlet containers the HTTP tests run the pipe servlet on, each embedded on a free loopback port. */
enum Containers {

    /** Jetty 12's ee10 environment, as {@link PipeServers#server} builds it (the standalone server's). */
    JETTY_EE10 {
        @Override
        Running start(String prefix, PipeServlet servlet) throws Exception {
            Server server = PipeServers.server("127.0.0.1", 0, prefix, servlet);
            // on stop, Jetty gives idle keep-alive connections (an HttpClient's pool) 1 s to go; tests need not wait
            ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).setShutdownIdleTimeout(50);
            server.start();
            return new Running(PipeServers.port(server), server::stop);
        }
    },

    /** Embedded Tomcat (Servlet 6.1), with only the plain Servlet API: the servlet mounted as any application would. */
    TOMCAT {
        @Override
        Running start(String prefix, PipeServlet servlet) throws Exception {
            Path base = Files.createTempDirectory("tomcat");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            Connector connector = new Connector("HTTP/1.1");
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", base.toString());
            Wrapper wrapper = Tomcat.addServlet(context, "pipe", servlet);
            wrapper.setAsyncSupported(true);
            context.addServletMappingDecoded(prefix + "/*", "pipe");
            tomcat.start();
            return new Running(connector.getLocalPort(), () -> {
                tomcat.stop();
                tomcat.destroy();
            });
        }
    };

    /**
     * True when the container lets the servlet notice a waiting party (its request all read, nothing written yet)
     * hanging up: Jetty, through its connection's end point; Tomcat offers no such handle, so a waiting receiver that
     * left is noticed when the pipe starts or its join window ends (PROTOCOL.md section 12).
     */
    boolean noticesAWaitingPartyLeaving() {
        return this == JETTY_EE10;
    }

    /**
     * True when a streaming receiver that hangs up is noticed at once: Jetty watches the connection; Tomcat notices
     * it at the next write to it (the next chunk), PROTOCOL.md section 12.
     */
    boolean noticesAStreamingReceiverLeavingAtOnce() {
        return this == JETTY_EE10;
    }

    /** True when a pipe's response ends its connection ({@code Connection: close}): Jetty's; Tomcat keeps it. */
    boolean endsPipeConnections() {
        return this == JETTY_EE10;
    }

    /** The status the container's own parser gives a request whose headers are too large: 431; Tomcat's 400. */
    int headersTooLarge() {
        return this == JETTY_EE10 ? 431 : 400;
    }

    /** The status the container's own parser gives a request line that is too long: 414; Tomcat's 400. */
    int requestLineTooLong() {
        return this == JETTY_EE10 ? 414 : 400;
    }

    /** A started container: its port, and how to stop it. */
    record Running(int port, Stop stop) {
    }

    @FunctionalInterface
    interface Stop {
        void stop() throws Exception;
    }

    abstract Running start(String prefix, PipeServlet servlet) throws Exception;
}
