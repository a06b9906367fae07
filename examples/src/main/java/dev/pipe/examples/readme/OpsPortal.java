package dev.pipe.examples.readme;

import dev.pipe.core.PipeConfig;
import dev.pipe.jetty.PipeServers;
import dev.pipe.servlet.PipeServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/** An application on Jetty 12 (ee10) with pipes beside its own servlet; the README shows this file whole. */
public final class OpsPortal {

    public static void main(String[] args) throws Exception {
        Server server = new Server(PipeServers.threadPool());                        // a bounded thread pool
        server.addConnector(PipeServers.connector(server, "127.0.0.1", 8081, false)); // limits set for pipes
        ServletContextHandler context = new ServletContextHandler("/");
        // the application's own servlets...
        context.addServlet(new ServletHolder(new StatusServlet()), "/status");
        // ...and pipes beside them, with settings of their own: /ops/pipe/deploy-log is the pipe deploy-log
        PipeServlet pipes = new PipeServlet(PipeConfig.defaults().withJoinTimeout(Duration.ofMinutes(2)));
        PipeServers.mount(context, "/ops/pipe", pipes);
        server.setHandler(context);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pipes.shutdown(Duration.ofSeconds(30)); // streaming pipes may finish; new ones get 503
                server.stop();
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        }));
        server.join();
    }

    /** The application's own page. */
    static final class StatusServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().println("ops portal: all systems nominal");
        }
    }
}
