package dev.pipe.examples;

import dev.pipe.core.PipeConfig;
import dev.pipe.jetty.PipeServers;
import dev.pipe.jetty.PipeServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An existing Jetty application (an ops portal) that adds pipe endpoints beside its own servlets:
 * {@code /status} is the portal's, {@code /ops/pipe/*} are pipes.
 *
 * <pre>
 * java -cp examples/target/pipe-server.jar dev.pipe.examples.EmbedExample 8081
 * curl http://127.0.0.1:8081/ops/pipe/deploy-log         # a receiver
 * tail -f deploy.log | curl -T - http://127.0.0.1:8081/ops/pipe/deploy-log
 * </pre>
 */
public final class EmbedExample {

    private EmbedExample() {
    }

    public static void main(String[] args) throws Exception {
        Server server = portal(args.length > 0 ? Integer.parseInt(args[0]) : 8081);
        server.start();
        System.out.println("ops portal on http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/status, pipes under /ops/pipe/");
        server.join();
    }

    /** The portal's server, not yet started. */
    static Server portal(int port) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        // the application's own servlets...
        context.addServlet(new ServletHolder(new StatusServlet()), "/status");
        // ...and pipes beside them, with settings of its own
        PipeServlet pipes = new PipeServlet(PipeConfig.defaults().withJoinTimeout(Duration.ofMinutes(2)));
        PipeServers.mount(context, "/ops/pipe", pipes);

        server.setHandler(context);
        return server;
    }

    /** Stands for the portal's existing pages. */
    static final class StatusServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write("ops portal: all systems nominal\n".getBytes());
        }
    }
}
