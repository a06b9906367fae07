package dev.pipe.servlet.fake;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The request side of a {@link FakeExchange}: an {@link HttpServletRequest} made with {@link Proxy}. The rule: it
 * answers only what a request line, its headers and its async state answer; any other method throws
 * {@link UnsupportedOperationException} naming the method, so a test sees at once what the adapter touched.
 *
 * <p>Answered: method, protocol, request URI, context path, servlet path, path info, query string, headers
 * (case-insensitive; {@code getIntHeader}, {@code getContentType}, {@code getContentLength[Long]} from them), remote
 * address, the {@link ScriptedInput}, {@code startAsync} (once; then {@code isAsyncStarted} until complete),
 * {@code isAsyncSupported}, {@code getAsyncContext} (after startAsync), a null user principal and attributes.
 */
public final class FakeRequest {

    private final FakeExchange.Line line;
    private final Headers headers;
    private final ScriptedInput input;
    private final HttpServletRequest proxy;
    // guarded by this
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private FakeAsyncContext async;
    private boolean asyncStarted;

    FakeRequest(FakeExchange.Line line, Headers headers, ScriptedInput input) {
        this.line = line;
        this.headers = headers;
        this.input = input;
        this.proxy = (HttpServletRequest) Proxy.newProxyInstance(FakeRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, this::invoke);
    }

    synchronized void async(FakeAsyncContext async) {
        this.async = async;
    }

    /** The request, as the servlet sees it. */
    public HttpServletRequest proxy() {
        return proxy;
    }

    /** The request's headers (changes show through). */
    public Headers headers() {
        return headers;
    }

    /** True after startAsync() and before complete(). */
    public synchronized boolean isAsyncStarted() {
        return asyncStarted && !async.completed();
    }

    private Object invoke(Object self, Method method, Object[] args) {
        Object[] a = args == null ? new Object[0] : args;
        return switch (method.getName()) {
            case "toString" -> "FakeRequest[" + line.method() + " " + line.requestUri() + "]";
            case "hashCode" -> System.identityHashCode(self);
            case "equals" -> self == a[0];
            case "getMethod" -> line.method();
            case "getProtocol" -> line.protocol();
            case "getRequestURI" -> line.requestUri();
            case "getContextPath" -> line.contextPath();
            case "getServletPath" -> line.servletPath();
            case "getPathInfo" -> line.pathInfo();
            case "getQueryString" -> line.query();
            case "getRemoteAddr" -> line.remoteAddr();
            case "getHeader" -> headers.get((String) a[0]);
            case "getHeaders" -> Collections.enumeration(headers.getAll((String) a[0]));
            case "getHeaderNames" -> Collections.enumeration(headers.names());
            case "getIntHeader" -> headers.contains((String) a[0]) ? Integer.parseInt(headers.get((String) a[0])) : -1;
            case "getContentType" -> headers.get("Content-Type");
            case "getContentLengthLong" -> contentLength();
            case "getContentLength" -> (int) Math.min(contentLength(), Integer.MAX_VALUE);
            case "getInputStream" -> input;
            case "isAsyncSupported" -> line.asyncSupported();
            case "startAsync" -> startAsync();
            case "isAsyncStarted" -> isAsyncStarted();
            case "getAsyncContext" -> asyncContext();
            case "getUserPrincipal" -> null;
            case "getAttribute" -> attributes().get((String) a[0]);
            case "getAttributeNames" -> Collections.enumeration(attributes().keySet());
            case "setAttribute" -> attribute((String) a[0], a[1]);
            case "removeAttribute" -> attribute((String) a[0], null);
            default -> throw unsupported(method);
        };
    }

    private long contentLength() {
        String value = headers.get("Content-Length");
        return value == null ? -1 : Long.parseLong(value.trim());
    }

    private synchronized FakeAsyncContext startAsync() {
        if (!line.asyncSupported()) {
            throw new IllegalStateException("async is not supported by this servlet");
        }
        if (asyncStarted) {
            throw new IllegalStateException("startAsync() called twice");
        }
        asyncStarted = true;
        return async;
    }

    private synchronized FakeAsyncContext asyncContext() {
        if (!asyncStarted) {
            throw new IllegalStateException("startAsync() was not called");
        }
        return async;
    }

    private synchronized Map<String, Object> attributes() {
        return Map.copyOf(attributes);
    }

    private synchronized Object attribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
        return null;
    }

    static UnsupportedOperationException unsupported(Method method) {
        return new UnsupportedOperationException("not faked: " + method.getDeclaringClass().getSimpleName() + "."
                + method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")")));
    }
}
