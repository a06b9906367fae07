package dev.pipe.examples;

import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.access.AccessPolicy.Decision;
import dev.pipe.core.PipeConfig;
import dev.pipe.jetty.PipeServers;
import dev.pipe.micrometer.PipeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.pipe.servlet.PipeServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An existing Jetty application (an ops portal) that adds pipe endpoints beside its own servlets:
 * {@code /status} is the portal's, {@code /ops/pipe/*} are pipes, and the portal's own sign-in decides who may use
 * which pipe ({@link #PORTAL_USERS}, an {@link AccessPolicy}): a signed-in user sends and receives under
 * {@code users/<name>/}, everyone signed in watches {@code team/}, and only the on-call engineer sends there. The
 * pipes' meters ({@link PipeMetrics}) go to the portal's own Micrometer registry, beside its other meters.
 *
 * <pre>
 * java -cp examples/target/pipe-server.jar dev.pipe.examples.EmbedExample 8081
 * curl -c alice.txt -X POST "http://127.0.0.1:8081/login?user=alice"      # the portal's sign-in (a stand-in)
 * curl -b alice.txt http://127.0.0.1:8081/ops/pipe/team/deploy-log         # a receiver
 * curl -c oncall.txt -X POST "http://127.0.0.1:8081/login?user=oncall"
 * tail -f deploy.log | curl -b oncall.txt -T - http://127.0.0.1:8081/ops/pipe/team/deploy-log
 * </pre>
 */
public final class EmbedExample {

    private EmbedExample() {
    }

    public static void main(String[] args) throws Exception {
        Server server = portal(args.length > 0 ? Integer.parseInt(args[0]) : 8081, new SimpleMeterRegistry());
        server.start();
        System.out.println("ops portal on http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/status, pipes under /ops/pipe/");
        server.join();
    }

    /** The portal's server, not yet started; the pipes' meters go to the portal's {@code meters}. */
    static Server portal(int port, MeterRegistry meters) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        // the application's own servlets...
        context.addServlet(new ServletHolder(new StatusServlet()), "/status");
        context.addServlet(new ServletHolder(new LoginServlet()), "/login");
        context.addFilter(new FilterHolder(new SignedIn()), "/*", EnumSet.of(DispatcherType.REQUEST));
        // ...and pipes beside them, with settings of their own and the portal's users as the access policy
        PipeServlet pipes = new PipeServlet(PipeConfig.defaults().withJoinTimeout(Duration.ofMinutes(2)),
                PORTAL_USERS);
        PipeServers.mount(context, "/ops/pipe", pipes);
        // the pipes' meters in the portal's own registry (pipe.pipes, pipe.transfers, pipe.bytes.delivered, ...)
        new PipeMetrics(pipes.registry()).bindTo(meters);

        server.setHandler(context);
        return server;
    }

    /** Who may send on the team's pipes. */
    static final Set<String> ON_CALL = Set.of("oncall");

    /**
     * The portal's own check, plugged into the pipes: the user is whoever the portal signed in (the servlet
     * container's user principal, set by {@link SignedIn}); the pipe's path decides the rest.
     */
    static final AccessPolicy PORTAL_USERS = (role, key, credentials) -> {
        Principal user = credentials.user();
        if (user == null) {
            return Decision.UNAUTHENTICATED;
        }
        if (key.path().startsWith("users/" + user.getName() + "/")) {
            return Decision.ALLOW;
        }
        if (key.path().startsWith("team/")
                && (role == AccessPolicy.Role.RECEIVE || ON_CALL.contains(user.getName()))) {
            return Decision.ALLOW;
        }
        return Decision.DENY;
    };

    /** The portal's sessions: a cookie value to a user name (a stand-in for the portal's real sign-in). */
    static final Map<String, String> SESSIONS = new ConcurrentHashMap<>();

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Signs a user in: a stand-in that trusts the name given; a real portal checks a password or SSO here. */
    static final class LoginServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String user = request.getParameter("user");
            if (user == null || !user.matches("[a-z0-9-]{1,32}")) {
                response.sendError(400, "user must be 1 to 32 of a-z, 0-9, -");
                return;
            }
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            String session = HexFormat.of().formatHex(id);
            SESSIONS.put(session, user);
            Cookie cookie = new Cookie("portal-session", session);
            cookie.setHttpOnly(true);
            cookie.setPath("/");
            // not sent with requests from other sites' pages: a page elsewhere cannot send into the team's pipes as
            // the signed-in user (behind TLS, also setSecure(true))
            cookie.setAttribute("SameSite", "Strict");
            response.addCookie(cookie);
            response.setContentType("text/plain");
            response.getWriter().println("signed in as " + user);
        }
    }

    /** Makes the signed-in user the request's user principal, as the portal's security would. */
    static final class SignedIn extends HttpFilter {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String user = null;
            Cookie[] cookies = request.getCookies();
            for (int i = 0; cookies != null && i < cookies.length && user == null; i++) {
                if (cookies[i].getName().equals("portal-session")) {
                    user = SESSIONS.get(cookies[i].getValue());
                }
            }
            if (user == null) {
                chain.doFilter(request, response);
                return;
            }
            Principal principal = user::toString;
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public String getRemoteUser() {
                    return principal.getName();
                }
            }, response);
        }
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
