package dev.pipe.servlet.fake;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One servlet exchange without a socket: a {@link FakeRequest}, a {@link FakeResponse}, their {@link ScriptedInput}
 * and {@link ScriptedOutput}, a {@link FakeAsyncContext}, and the {@link Steps} on which all of them owe their
 * callbacks. The rule: nothing happens behind the test's back; the container calls back only when the test runs a
 * step, on the test thread, in whatever order the test picks.
 *
 * <pre>{@code
 * FakeExchange x = FakeExchange.put("/api/v1/pipe", "/path").header("Content-Length", "5").query("n=2").build();
 * servlet.service(x.request(), x.response());
 * x.input().arrive("hello");
 * x.input().arriveEnd();
 * x.steps().runAll();
 * assertTrue(x.async().completed());
 * }</pre>
 *
 * <p>The path is split as the container would: {@code servletPath} is the mapping, the raw path after it is appended
 * to the request URI as given, and {@code getPathInfo()} is that path without {@code ;parameters}, percent-decoded
 * (UTF-8; a {@code +} stays a {@code +}), or null when empty.
 */
public final class FakeExchange {

    private final Steps steps = new Steps();
    private final ScriptedInput input = new ScriptedInput(steps);
    private final ScriptedOutput output = new ScriptedOutput(steps);
    private final FakeRequest request;
    private final FakeResponse response = new FakeResponse(output);
    private final FakeAsyncContext async;

    private FakeExchange(Line line, Headers headers) {
        request = new FakeRequest(line, headers, input);
        async = new FakeAsyncContext(request.proxy(), response.proxy(), steps);
        request.async(async);
        input.bind(request::isAsyncStarted, async::completed);
        output.bind(request::isAsyncStarted, async::completed);
    }

    /** A GET of {@code path} under the servlet mapped at {@code servletPath}. */
    public static Builder get(String servletPath, String path) {
        return new Builder("GET", servletPath, path);
    }

    /** A PUT of {@code path} under the servlet mapped at {@code servletPath}. */
    public static Builder put(String servletPath, String path) {
        return new Builder("PUT", servletPath, path);
    }

    /** A POST of {@code path} under the servlet mapped at {@code servletPath}. */
    public static Builder post(String servletPath, String path) {
        return new Builder("POST", servletPath, path);
    }

    /** A request with any method. */
    public static Builder request(String method, String servletPath, String path) {
        return new Builder(method, servletPath, path);
    }

    /** The request to hand the servlet. */
    public HttpServletRequest request() {
        return request.proxy();
    }

    /** The response to hand the servlet. */
    public HttpServletResponse response() {
        return response.proxy();
    }

    /** The request body: the test makes bytes arrive. */
    public ScriptedInput input() {
        return input;
    }

    /** The response body: what the servlet wrote; the test blocks and unblocks the client. */
    public ScriptedOutput output() {
        return output;
    }

    /** What startAsync() returns. */
    public FakeAsyncContext async() {
        return async;
    }

    /** The callbacks owed to this exchange's listeners. */
    public Steps steps() {
        return steps;
    }

    /** What the response recorded: status, headers, sendError calls, invalid statuses, changes after commit. */
    public FakeResponse recorded() {
        return response;
    }

    /** Statuses outside 100..599 the adapter gave the response (none may reach the wire). */
    public List<Integer> invalidStatuses() {
        return response.invalidStatuses();
    }

    /** The client goes away: reads and writes fail with {@code cause}, and the async listeners hear of it. */
    public void clientGone(IOException cause) {
        input.fail(cause);
        output.fail(cause);
        async.clientGone(cause);
    }

    @Override
    public String toString() {
        return "FakeExchange[" + request() + " " + response() + " pending=" + steps.pending() + "]";
    }

    /** What the request line and the container's path mapping say. */
    record Line(String method, String protocol, String contextPath, String servletPath, String path, String pathInfo,
                String query, String remoteAddr, boolean asyncSupported) {

        String requestUri() {
            return contextPath + servletPath + path;
        }
    }

    /** Builds a {@link FakeExchange}; defaults: HTTP/1.1, no context path, no query, from 127.0.0.1, async. */
    public static final class Builder {

        private final String method;
        private final String servletPath;
        private final String path;
        private final Headers headers = new Headers();
        private String protocol = "HTTP/1.1";
        private String contextPath = "";
        private String pathInfo;
        private boolean pathInfoSet;
        private String query;
        private String remoteAddr = "127.0.0.1";
        private boolean asyncSupported = true;

        private Builder(String method, String servletPath, String path) {
            this.method = Objects.requireNonNull(method, "method");
            this.servletPath = Objects.requireNonNull(servletPath, "servletPath");
            this.path = Objects.requireNonNull(path, "path");
        }

        /** Adds a request header (again for more values). */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** The protocol, {@code HTTP/1.1} by default. */
        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        /** The raw query string, without {@code ?}. */
        public Builder query(String query) {
            this.query = query;
            return this;
        }

        /** The context path, empty by default; it goes before the servlet path in the URI. */
        public Builder contextPath(String contextPath) {
            this.contextPath = contextPath;
            return this;
        }

        /** Overrides what getPathInfo() answers (null allowed). */
        public Builder pathInfo(String pathInfo) {
            this.pathInfo = pathInfo;
            this.pathInfoSet = true;
            return this;
        }

        /** The client's address, {@code 127.0.0.1} by default. */
        public Builder remoteAddr(String remoteAddr) {
            this.remoteAddr = remoteAddr;
            return this;
        }

        /** Whether the servlet is mapped with async support (startAsync throws without). */
        public Builder asyncSupported(boolean asyncSupported) {
            this.asyncSupported = asyncSupported;
            return this;
        }

        /** A fresh exchange: later changes to this builder do not reach it. */
        public FakeExchange build() {
            Headers copy = new Headers();
            headers.names().forEach(name -> headers.getAll(name).forEach(value -> copy.add(name, value)));
            return new FakeExchange(new Line(method, protocol, contextPath, servletPath, path,
                    pathInfoSet ? pathInfo : decode(path), query, remoteAddr, asyncSupported), copy);
        }

        private static String decode(String raw) {
            if (raw.isEmpty()) {
                return null;
            }
            StringBuilder decoded = new StringBuilder();
            for (String segment : raw.split("/", -1)) {
                int parameters = segment.indexOf(';');
                String bare = parameters < 0 ? segment : segment.substring(0, parameters);
                decoded.append(URLDecoder.decode(bare.replace("+", "%2B"), StandardCharsets.UTF_8)).append('/');
            }
            return decoded.substring(0, decoded.length() - 1);
        }
    }
}
