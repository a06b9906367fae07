package dev.pipe.servlet;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;

/** Embedded Tomcat (10.1 or 11, whichever is on the class path) with the servlet mounted by hand, as a user would. */
final class TomcatServers {

    /**
     * Tomcat's connection timeout as its own {@code server.xml} sets it (the embedded default is 60 s): what an
     * application has unless told, and its keep-alive timeout too. The pause tests' 35 s outlast it.
     */
    static final int TOMCAT_CONNECTION_TIMEOUT_MS = 20_000;

    /**
     * The README's setting for pipes: a connection timeout of the pipe's own idle timeout (1 h), since Tomcat cuts a
     * pending non-blocking read or write after it (a paused sender, a frozen receiver); keep-alive stays 20 s.
     */
    static final int PIPE_CONNECTION_TIMEOUT_MS = 3_600_000;

    private TomcatServers() {
    }

    /** A Tomcat with the README's connector settings for pipes. */
    static TestContainer.Running start(String prefix, jakarta.servlet.http.HttpServlet servlet) throws Exception {
        return start(prefix, servlet, PIPE_CONNECTION_TIMEOUT_MS, TOMCAT_CONNECTION_TIMEOUT_MS);
    }

    /** A Tomcat whose connector has these timeouts ({@code connectionTimeout}, {@code keepAliveTimeout}). */
    static TestContainer.Running start(String prefix, jakarta.servlet.http.HttpServlet servlet,
            int connectionTimeoutMs, int keepAliveTimeoutMs) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("connectionTimeout", Integer.toString(connectionTimeoutMs));
        connector.setProperty("keepAliveTimeout", Integer.toString(keepAliveTimeoutMs));
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "pipe", servlet);
        wrapper.setAsyncSupported(true);
        context.addServletMappingDecoded(PipeMapping.pathSpec(prefix), "pipe");
        tomcat.start();
        return new TestContainer.Running(connector.getLocalPort(), () -> {
            tomcat.stop();
            tomcat.destroy();
        });
    }

    /** Tomcat's version, such as {@code 11.0.29.0}. */
    static String version() {
        return ServerInfo.getServerNumber();
    }
}
