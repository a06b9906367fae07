package dev.pipe.examples;

import dev.pipe.core.Durations;
import dev.pipe.examples.ServerOptions.UsageException;
import dev.pipe.jetty.PipeConnectionFactory;
import dev.pipe.jetty.PipeServers;
import dev.pipe.jetty.PipeServlet;
import dev.pipe.jetty.PlainErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone pipe server: {@code java -jar pipe-server.jar [--port 8080] ...}; {@code --help} lists the flags.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int status = run(args, System.getenv(), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs until the JVM stops; returns the exit status for bad usage or {@code --help}. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, env);
        } catch (UsageException e) {
            err.println("pipe-server: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (options.help()) {
            out.print(ServerOptions.USAGE);
            return 0;
        }
        Server server = start(options, out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("stop failed: {}", e.toString());
            }
        }, "pipe-shutdown"));
        server.join();
        return 0;
    }

    /** Builds and starts the server of {@code options}, then prints where it listens and what to try. */
    static Server start(ServerOptions options, PrintStream out) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new PipeConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setAcceptQueueSize(PipeServers.ACCEPT_QUEUE);
        server.addConnector(connector);

        String prefix = options.pathPrefix();
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServers.mount(context, prefix.isEmpty() ? "/" : prefix, new PipeServlet(options.config()));
        ServletHolder pages = new ServletHolder("pages", new PagesServlet(prefix, version()));
        for (String path : PagesServlet.PATHS) {
            context.addServlet(pages, path);
        }
        server.setHandler(context);
        // Jetty's own errors (a malformed URI, an unknown path) as one [ERROR] line, like the pipes' errors
        server.setErrorHandler(new PlainErrorHandler());
        context.setErrorHandler(new PlainErrorHandler());
        server.setStopTimeout(5_000);
        server.start();

        String host = options.host().equals("0.0.0.0") || options.host().equals("::") ? "127.0.0.1" : options.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String pipes = "http://" + host + ":" + connector.getLocalPort() + prefix;
        LOG.info("pipe {} listening on {}:{} (pipes at {}/, join timeout {}, idle timeout {}, max receivers {}, "
                        + "slow receivers: {}, chunk {} KiB, window {})", version(), options.host(),
                connector.getLocalPort(), prefix, Durations.format(options.config().joinTimeout()),
                Durations.format(options.config().idleTimeout()), options.config().maxReceivers(),
                options.config().slowReceiver(), options.config().chunkSize() / 1024, options.config().window());
        out.println("pipe serving " + pipes + "/  -  send: curl -T FILE " + pipes + "/PATH"
                + "  receive: curl " + pipes + "/PATH  (help: " + "http://" + host + ":" + connector.getLocalPort()
                + "/help)");
        out.flush();
        return server;
    }

    /** This build's version, from the jar. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
