package dev.pipe.examples;

import dev.pipe.core.text.Durations;
import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.PipeConfig;
import dev.pipe.core.SystemScheduler;
import dev.pipe.core.access.TokenFile;
import dev.pipe.examples.ServerOptions.UsageException;
import dev.pipe.jetty.PipeServers;
import dev.pipe.jetty.PlainErrorHandler;
import dev.pipe.jetty.TlsCertificate;
import dev.pipe.servlet.PipeServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
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
        if (java.util.Arrays.asList(args).contains("--version")) {
            out.println("pipe-server " + version());
            return 0;
        }
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
        Server server;
        try {
            server = start(options, out);
        } catch (UsageException e) {
            err.println("pipe-server: " + e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, options.grace()), "pipe-shutdown"));
        server.join();
        return 0;
    }

    /**
     * Stops gracefully: new pipes get 503 while streaming ones have {@code grace} to finish; then the rest are cut
     * off and the server stops.
     */
    static void stop(Server server, Duration grace) {
        PipeServlet pipes = server.getBean(PipeServlet.class);
        try {
            if (pipes != null) {
                LOG.info("stopping: new pipes are refused; {} pipes have up to {} to finish", pipes.registry().size(),
                        Durations.format(grace));
                pipes.shutdown(grace);
            }
            ServerFigures figures = server.getBean(ServerFigures.class);
            if (figures != null) {
                figures.close();
            }
            SystemScheduler timers = server.getBean(SystemScheduler.class);
            if (timers != null) {
                timers.close();
            }
            server.stop();
            LOG.info("stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("stop failed: {}", e.toString());
        }
    }

    /**
     * Builds and starts the server of {@code options}, then prints where it listens and what to try.
     *
     * @throws UsageException when the token file cannot be read or a line of it is not a rule, or the port is taken
     */
    static Server start(ServerOptions options, PrintStream out) throws Exception {
        options.warnings().forEach(LOG::warn);
        Server server = new Server(PipeServers.threadPool(), null, PipeServers.bufferPool());
        SystemScheduler timers = new SystemScheduler();
        server.addBean(timers, false);
        TlsCertificate certificate = certificate(options.tls());
        ServerConnector connector = certificate == null
                ? PipeServers.connector(server, options.host(), options.port(), options.trustForwarded(),
                        options.http2())
                : PipeServers.connector(server, options.host(), options.port(), options.trustForwarded(),
                        options.http2(), certificate);
        if (certificate != null) {
            certificate.watch(timers, Duration.ofSeconds(5));
        }
        server.addConnector(connector);

        AccessPolicy access = AccessPolicy.OPEN;
        String accessLine = "open to anyone who can reach it (no --token-file)";
        if (options.tokenFile() != null) {
            TokenFile tokens;
            try {
                tokens = TokenFile.load(options.tokenFile());
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--token-file: " + e.getMessage());
            }
            tokens.watch(timers, Duration.ofSeconds(1));
            access = tokens;
            accessLine = "bearer tokens, " + tokens.size() + " rules (re-read when the file changes)";
        }
        String prefix = options.pathPrefix();
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServlet servlet = new PipeServlet(options.config(), access);
        server.addBean(servlet, false);
        PipeServers.mount(context, prefix.isEmpty() ? "/" : prefix, servlet);
        ServletHolder pages = new ServletHolder("pages", new PagesServlet(prefix, version(), options.http2(),
                servlet.registry()::isStopping));
        for (String path : PagesServlet.PATHS) {
            context.addServlet(pages, path);
        }
        if (options.metrics()) {
            ServerFigures figures = new ServerFigures(servlet.registry(), timers);
            server.addBean(figures, false);
            ServletHolder holder = new ServletHolder("figures", new FiguresServlet(figures, access));
            for (String path : FiguresServlet.PATHS) {
                context.addServlet(holder, path);
            }
        }
        server.setHandler(context);
        // Jetty's own errors (a malformed URI, an unknown path) as one [ERROR] line, like the pipes' errors
        server.setErrorHandler(new PlainErrorHandler());
        context.setErrorHandler(new PlainErrorHandler());
        server.setStopTimeout(5_000);
        try {
            connector.open(); // the port first: one in use is said at once, not after the warm-up
        } catch (IOException e) {
            if (!(e.getCause() instanceof java.net.BindException)) {
                throw e;
            }
            connector.close();
            throw new UsageException(options.host() + ":" + options.port() + " is in use (" + e.getCause().getMessage()
                    + "): choose another --port, or stop what listens there");
        }
        if (options.warmup() > 0) {
            warmUp(options); // clients that connect meanwhile wait in the port's backlog
        }
        server.start();

        String host = options.host().equals("0.0.0.0") || options.host().equals("::") ? "127.0.0.1" : options.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String scheme = certificate == null ? "http" : "https";
        String pipes = scheme + "://" + host + ":" + connector.getLocalPort() + prefix;
        PipeConfig config = options.config();
        LOG.info("pipe {} listening on {}:{} (pipes at {}/, join timeout {}, idle timeout {}, max receivers {}, "
                        + "slow receivers: {}, chunk {} KiB, window {}, max pipes {}, max waiting per client {}, "
                        + "grace {}); access: {}; figures: {}", version(), options.host(), connector.getLocalPort(), prefix,
                Durations.format(config.joinTimeout()), Durations.format(config.idleTimeout()), config.maxReceivers(),
                config.slowReceiver(), config.chunkSize() / 1024, config.window(), config.maxPipes(),
                config.maxWaitingPerClient() == 0 ? "unlimited" : config.maxWaitingPerClient(),
                Durations.format(options.grace()), accessLine,
                options.metrics() ? "/metrics and /status" : "off (--metrics false)");
        out.println("pipe serving " + pipes + "/  -  send: curl -T FILE " + pipes + "/PATH"
                + "  receive: curl " + pipes + "/PATH  (help: " + scheme + "://" + host + ":" + connector.getLocalPort()
                + "/help)");
        out.flush();
        return server;
    }

    /** Runs {@link Warmup}; a warm-up that fails is a line in the log, not a reason not to start. */
    private static void warmUp(ServerOptions options) {
        try {
            Duration took = Warmup.run(options.warmup(), options.config());
            LOG.info("warmed up (--warmup {}) through a private loopback copy of the server in {} ms; "
                    + "--warmup 0 skips it", ServerOptions.sizeText(options.warmup()), took.toMillis());
        } catch (Exception e) {
            LOG.warn("warm-up failed, starting without it: {}", e.toString());
        }
    }

    /** The certificate the TLS flags name, or null for plain HTTP. */
    private static TlsCertificate certificate(ServerOptions.Tls tls) throws UsageException {
        if (tls == null) {
            return null;
        }
        try {
            return tls.keystore() != null ? TlsCertificate.pkcs12(tls.keystore(), tls.password())
                    : TlsCertificate.pem(tls.cert(), tls.key());
        } catch (IOException | java.security.GeneralSecurityException e) {
            String flags = tls.keystore() != null ? "--tls-keystore" : "--tls-cert/--tls-key";
            throw new UsageException(flags + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
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
