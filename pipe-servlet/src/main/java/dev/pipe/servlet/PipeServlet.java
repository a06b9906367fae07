package dev.pipe.servlet;

import dev.pipe.core.text.Durations;
import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.Hold;
import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeException;
import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.Receiver;
import dev.pipe.core.Sender;
import dev.pipe.core.SystemScheduler;
import dev.pipe.core.TransferInfo;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves pipes: {@code PUT}/{@code POST} sends, {@code GET} receives, the path after the servlet's mapping names the
 * pipe. Mount it at any prefix of any Servlet 6 container (Tomcat 10.1 and 11, Jetty 12 ee10 and ee11), with async
 * support on; on Jetty, {@code dev.pipe.jetty.PipeServers.mount} (ee10) or {@code dev.pipe.jetty.ee11.PipeMount}
 * (ee11) does it:
 *
 * <pre>{@code
 * // Tomcat (or any container): by hand
 * Wrapper wrapper = Tomcat.addServlet(context, "pipe", new PipeServlet());
 * wrapper.setAsyncSupported(true);
 * context.addServletMappingDecoded("/api/v1/pipe/*", "pipe");
 * }</pre>
 *
 * <p>An {@link AccessPolicy} (default {@link AccessPolicy#OPEN}) is asked before a party joins: a refused party gets
 * 401 (with a {@code WWW-Authenticate: Bearer} challenge) or 403 and never touches the pipe. Its credentials are a
 * bearer token ({@code Authorization: Bearer TOKEN}; a form sent by a page without script may carry it instead in
 * a {@code pipe_token} field before its file, checked when the file starts), the user the application authenticated
 * ({@code getUserPrincipal()}) and the client's address ({@code getRemoteAddr()}), which is also what
 * {@link PipeConfig#maxWaitingPerClient()} counts by.
 *
 * <p>Every exchange is asynchronous and non-blocking ({@code ReadListener}, {@code WriteListener}): no thread waits
 * for a peer, and the container's idle and async timeouts do not apply to a pipe, whose own join window and idle
 * timeout govern ({@link PipeConfig}). The wire protocol is {@code docs/PROTOCOL.md}.
 */
public class PipeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PipeServlet.class);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    /** Direct chunks kept for the next transfers when transfers end: 32 of up to 256 KiB, 8 MiB of larger ones. */
    private static final int IDLE_CHUNKS = 32;
    private static final int IDLE_BYTES = 8 * 1024 * 1024;

    private final transient PipeRegistry registry;
    private final transient SystemScheduler ownScheduler;
    private final transient DirectBuffers chunks;
    private final transient Gate gate;

    /** A servlet with its own registry and the default settings. */
    public PipeServlet() {
        this(PipeConfig.defaults());
    }

    /**
     * A servlet with its own registry; its timer thread stops when the servlet is destroyed.
     *
     * @param config the settings of the servlet's pipes
     */
    public PipeServlet(PipeConfig config) {
        this(config, AccessPolicy.OPEN);
    }

    /**
     * A servlet with its own registry, which asks {@code access} who may send and receive.
     *
     * @param config the settings of the servlet's pipes
     * @param access who may send and receive on which pipe; {@link AccessPolicy#OPEN} for everyone
     */
    public PipeServlet(PipeConfig config, AccessPolicy access) {
        this.ownScheduler = new SystemScheduler();
        this.registry = new PipeRegistry(config, ownScheduler);
        this.chunks = DirectBuffers.keeping(config.chunkSize(), IDLE_CHUNKS, IDLE_BYTES);
        this.gate = new Gate(Objects.requireNonNull(access, "access"));
    }

    /**
     * A servlet over a registry that the caller owns and closes (several servlets may share one).
     *
     * @param registry the pipes to serve, with their settings
     */
    public PipeServlet(PipeRegistry registry) {
        this(registry, AccessPolicy.OPEN);
    }

    /**
     * A servlet over a registry that the caller owns and closes, which asks {@code access} who may do what.
     *
     * @param registry the pipes to serve, with their settings
     * @param access   who may send and receive on which pipe; {@link AccessPolicy#OPEN} for everyone
     */
    public PipeServlet(PipeRegistry registry, AccessPolicy access) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ownScheduler = null;
        this.chunks = DirectBuffers.keeping(registry.config().chunkSize(), IDLE_CHUNKS, IDLE_BYTES);
        this.gate = new Gate(Objects.requireNonNull(access, "access"));
    }

    /** The pool of direct chunks this servlet lends its pipes. */
    DirectBuffers chunks() {
        return chunks;
    }

    /**
     * The registry behind this servlet.
     *
     * @return its own registry, or the one it was given
     */
    public PipeRegistry registry() {
        return registry;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Container container = Container.of(request, response);
        if (Exchange.pipelinedAfterAnEnd(request, container)) {
            LOG.debug("a request pipelined after a pipe exchange that ended its connection: not served");
            container.connection(request).close();
            return;
        }
        if (!request.isAsyncSupported()) {
            LOG.warn("PipeServlet is mounted without async support: mount it with async support on (setAsyncSupported(true), or PipeServers.mount on Jetty)");
            Responses.sendError(container, response, 500, "This pipe endpoint is misconfigured (no async support).");
            return;
        }
        String violation = RequestRules.violation(request);
        if (violation != null) {
            refuse(container, response, 400, violation);
            return;
        }
        try {
            dispatch(request, response, container);
        } catch (RuntimeException bug) {
            // answered here rather than by the container, whose log line would name the request's path (a secret)
            LOG.error("a pipe request failed: {}", bug.toString(), bug);
            if (request.isAsyncStarted()) {
                try {
                    container.abort(response, request.getAsyncContext());
                    request.getAsyncContext().complete();
                } catch (RuntimeException x) {
                    LOG.debug("abort failed", x);
                }
            } else if (!response.isCommitted()) {
                Responses.sendError(container, response, 500, "The server failed on this request.");
            }
        }
    }

    private void dispatch(HttpServletRequest request, HttpServletResponse response, Container container)
            throws IOException {
        switch (request.getMethod()) {
            case "GET" -> receive(request, response, container);
            case "PUT", "POST" -> send(request, response, container);
            case "OPTIONS" -> Cors.preflight(request, response, !gate.open());
            default -> {
                response.setHeader("Allow", Responses.ALLOW);
                refuse(container, response, 405, "Unsupported method: " + request.getMethod() + ".");
            }
        }
    }

    private void send(HttpServletRequest request, HttpServletResponse response, Container container)
            throws IOException {
        PipeKey key;
        int receivers;
        MultipartDecoder form;
        try {
            key = registry.key(PipePaths.pipePath(request));
            if (request.getHeader("Content-Range") != null) {
                refuse(container, response, 400, "Content-Range is not supported for now in " + request.getMethod());
                return;
            }
            receivers = receivers(request);
            String boundary = MultipartDecoder.boundary(request.getHeader(Forwarding.CONTENT_TYPE));
            form = boundary == null ? null : new MultipartDecoder(boundary);
            if (!gate.tokenInForm(request, form)) {
                gate.authorize(request, AccessPolicy.Role.SEND, key, null);
            }
        } catch (PipeException e) {
            reject(container, response, e);
            return;
        } catch (MultipartException e) {
            refuse(container, response, 400, e.getMessage());
            return;
        }
        Exchange exchange = new Exchange(request, response, container, backstop(), registry);
        ServletSender port = new ServletSender(exchange, chunks, registry.config().window(), form,
                registry.scheduler());
        if (form == null) {
            port.start(plain -> join(exchange, port, key, receivers, Forwarding.info(request)));
        } else {
            // an HTML form: the sender joins once its file part's headers are in, for the receivers to get them.
            // Until then it holds a place as a pipe would (the limits count it) for at most the join window.
            Hold hold;
            try {
                hold = registry.hold(request.getRemoteAddr(), () -> port.expire("The form's file did not start"
                        + " within " + Durations.format(registry.config().joinTimeout()) + "."));
            } catch (PipeException e) {
                exchange.refuse(e);
                return;
            }
            exchange.onEnded(hold::close);
            // once the hold has expired, the 408 is its answer and the sender does not join
            boolean tokenInForm = gate.tokenInForm(request, form);
            port.start(decoder -> hold.release() && (!tokenInForm || authorized(exchange, key, decoder.token()))
                    ? join(exchange, port, key, receivers, Forwarding.info(request, decoder)) : null);
        }
    }

    /**
     * Puts the sender on its pipe and sets its response's headers; when the pipe refuses it, answers the error and
     * ends the exchange (null).
     */
    private Sender join(Exchange exchange, ServletSender port, PipeKey key, int receivers, TransferInfo info) {
        HttpServletResponse response = exchange.response;
        Sender sender;
        try {
            sender = registry.attachSender(key, receivers, info, port, exchange.request.getRemoteAddr());
        } catch (PipeException e) {
            exchange.refuse(e);
            return null;
        }
        response.setStatus(200);
        Responses.common(response);
        exchange.container.contentType(response, "text/plain");
        exchange.endConnection();
        exchange.frameUnknownLength(); // a progress stream cut off is not mistaken for a finished one
        return sender;
    }

    private void receive(HttpServletRequest request, HttpServletResponse response, Container container)
            throws IOException {
        PipeKey key;
        int receivers;
        try {
            if ("script".equals(request.getHeader("Service-Worker"))) {
                refuse(container, response, 400, "Service Worker registration is rejected.");
                return;
            }
            key = registry.key(PipePaths.pipePath(request));
            gate.authorize(request, AccessPolicy.Role.RECEIVE, key, null);
            receivers = receivers(request);
        } catch (PipeException e) {
            reject(container, response, e);
            return;
        }
        Exchange exchange = new Exchange(request, response, container, backstop(), registry);
        ServletReceiver port = new ServletReceiver(exchange);
        Receiver receiver;
        try {
            receiver = registry.attachReceiver(key, receivers, port, request.getRemoteAddr());
        } catch (PipeException e) {
            exchange.refuse(e);
            return;
        }
        port.attached(receiver);
    }

    // the two ways a request is refused before it becomes an exchange; the observers hear of each
    private void reject(Container container, HttpServletResponse response, PipeException e) throws IOException {
        LOG.debug("refused: {}", e.reason());
        registry.refused(StatusMapping.status(e.reason()), e.reason());
        Responses.refuse(container, response, e);
    }

    private void refuse(Container container, HttpServletResponse response, int status, String message)
            throws IOException {
        registry.refused(status, null);
        Responses.sendError(container, response, status, message);
    }

    /** Asks the access policy about a form's token; a refusal is answered (false). */
    private boolean authorized(Exchange exchange, PipeKey key, String formToken) {
        try {
            gate.authorize(exchange.request, AccessPolicy.Role.SEND, key, formToken);
            return true;
        } catch (PipeException e) {
            exchange.refuse(e);
            return false;
        }
    }

    /** A last resort behind the pipe's own timeouts, for the connection's idle timeout. */
    private Duration backstop() {
        PipeConfig config = registry.config();
        return config.idleTimeout().plus(config.joinTimeout()).plusMinutes(1);
    }

    /** The number of receivers the party states: query parameter {@code n}, default 1, given at most once. */
    private int receivers(HttpServletRequest request) throws PipeException {
        List<String> values = queryValues(request.getQueryString(), "n");
        int max = registry.config().maxReceivers();
        if (values.isEmpty()) {
            return 1;
        }
        String value = values.get(0);
        if (values.size() > 1) {
            throw Refusals.invalidReceivers("'" + String.join("', '", values) + "' (give it once)", max);
        }
        if (!DIGITS.matcher(value).matches()) {
            throw Refusals.invalidReceivers("'" + value + "'", max);
        }
        int n = Integer.parseInt(value);
        if (n < 1 || n > max) {
            throw Refusals.invalidReceivers(String.valueOf(n), max);
        }
        return n;
    }

    /** The decoded values of {@code name} in a query string, read without touching the request body. */
    static List<String> queryValues(String query, String name) {
        List<String> values = new ArrayList<>(1);
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (name.equals(key)) {
                values.add(equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        return values;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    /**
     * Stops serving pipes gracefully, before the server stops: new parties get 503 at once, pipes still waiting
     * fail (503), streaming pipes have up to {@code grace} to finish, and those still streaming then are cut off, so
     * that their receivers see an error rather than a clean end. Blocks the calling thread (a shutdown hook's, never a
     * request's) for at most {@code grace}. The registry is closed afterwards, even one the caller gave.
     *
     * @param grace how long streaming pipes may take to finish
     * @return true when every streaming pipe finished within the grace period
     * @throws InterruptedException when the calling thread is interrupted while it waits; the registry is then
     *                              draining but not closed
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        registry.drain();
        boolean finished = registry.awaitEmpty(grace);
        if (!finished) {
            LOG.info("grace period over: cutting off {} pipes", registry.size());
        }
        registry.close();
        return finished;
    }

    @Override
    public void destroy() {
        if (ownScheduler != null) {
            registry.close();
            ownScheduler.close();
        }
        super.destroy();
    }
}
