package dev.pipe.servlet.fake;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The response side of a {@link FakeExchange}: an {@link HttpServletResponse} made with {@link Proxy}, writing to a
 * {@link ScriptedOutput}. The rule: status and headers can change only until the response is committed (first
 * write or flush, or sendError); later changes are ignored, as containers do, and listed in {@link #ignored()}.
 *
 * <ul>
 * <li>Answered: status, headers (case-insensitive, kept in the case set; {@code Content-Type} and
 *     {@code Content-Length} set through their own setters are headers too), character encoding, the output,
 *     {@code isCommitted}, {@code sendError}, {@code reset}/{@code resetBuffer}/{@code flushBuffer}. Any other method,
 *     {@code getWriter} included, throws {@link UnsupportedOperationException} naming it.</li>
 * <li>{@code sendError} records the status and commits. A status outside 100..599 (Jetty takes {@code -1} as
 *     "abort") is no status a container may write: it is listed in {@link #invalidStatuses()} (by setStatus too) and
 *     does not change the status. sendError with a valid status once committed throws IllegalStateException.</li>
 * <li>Nothing is buffered (a write commits), so {@code resetBuffer} only checks that nothing is committed.</li>
 * </ul>
 */
public final class FakeResponse {

    private static final Set<String> SETTERS = Set.of("setStatus", "setHeader", "addHeader", "setIntHeader",
            "addIntHeader", "setContentType", "setContentLength", "setContentLengthLong", "setCharacterEncoding");

    private final ScriptedOutput output;
    private final Headers headers = new Headers();
    private final HttpServletResponse proxy;
    // guarded by this
    private final List<Integer> errors = new ArrayList<>();
    private final List<Integer> invalidStatuses = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private int status = 200;
    private String errorMessage;
    private String characterEncoding;

    FakeResponse(ScriptedOutput output) {
        this.output = output;
        this.proxy = (HttpServletResponse) Proxy.newProxyInstance(FakeResponse.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, this::invoke);
    }

    /** The response, as the servlet sees it. */
    public HttpServletResponse proxy() {
        return proxy;
    }

    /** The status (200 unless set). */
    public synchronized int status() {
        return status;
    }

    /** The headers set. */
    public Headers headers() {
        return headers;
    }

    /** Every status given to sendError, in order, valid or not. */
    public synchronized List<Integer> errors() {
        return List.copyOf(errors);
    }

    /** The message of the last valid sendError(int, String), or null. */
    public synchronized String errorMessage() {
        return errorMessage;
    }

    /** Statuses outside 100..599 given to setStatus or sendError: none may reach the wire. */
    public synchronized List<Integer> invalidStatuses() {
        return List.copyOf(invalidStatuses);
    }

    /** Changes made after commit, which a container ignores: {@code "setHeader(Name)"}, {@code "setStatus(404)"}. */
    public synchronized List<String> ignored() {
        return List.copyOf(ignored);
    }

    private synchronized Object invoke(Object self, Method method, Object[] args) {
        Object[] a = args == null ? new Object[0] : args;
        String name = method.getName();
        switch (name) {
            case "toString":
                return "FakeResponse[" + status + " committed=" + output.isCommitted() + "]";
            case "hashCode":
                return System.identityHashCode(self);
            case "equals":
                return self == a[0];
            case "getStatus":
                return status;
            case "getHeader":
                return headers.get((String) a[0]);
            case "getHeaders":
                return headers.getAll((String) a[0]);
            case "getHeaderNames":
                return headers.names();
            case "containsHeader":
                return headers.contains((String) a[0]);
            case "getContentType":
                return headers.get("Content-Type");
            case "getCharacterEncoding":
                return characterEncoding == null ? "ISO-8859-1" : characterEncoding;
            case "getOutputStream":
                return output;
            case "isCommitted":
                return output.isCommitted();
            case "sendError":
                sendError((Integer) a[0], a.length > 1 ? (String) a[1] : null);
                return null;
            case "reset", "resetBuffer":
                if (output.isCommitted()) {
                    throw new IllegalStateException(name + " after commit");
                }
                if (name.equals("reset")) {
                    status = 200;
                    headers.clear();
                    characterEncoding = null;
                }
                return null;
            case "flushBuffer":
                output.commit();
                return null;
            default:
                break;
        }
        if (!SETTERS.contains(name)) {
            throw FakeRequest.unsupported(method);
        }
        if (output.isCommitted()) {
            ignored.add(name + "(" + a[0] + ")");
            return null;
        }
        switch (name) {
            case "setStatus" -> status((Integer) a[0]);
            case "setHeader" -> headers.set((String) a[0], (String) a[1]);
            case "addHeader" -> headers.add((String) a[0], (String) a[1]);
            case "setIntHeader" -> headers.set((String) a[0], String.valueOf(a[1]));
            case "addIntHeader" -> headers.add((String) a[0], String.valueOf(a[1]));
            case "setContentType" -> headers.set("Content-Type", (String) a[0]);
            case "setContentLength", "setContentLengthLong" -> {
                long length = ((Number) a[0]).longValue();
                headers.set("Content-Length", length < 0 ? null : String.valueOf(length));
            }
            default -> characterEncoding = (String) a[0]; // setCharacterEncoding
        }
        return null;
    }

    // guarded by this
    private void sendError(int code, String message) {
        errors.add(code);
        if (code < 100 || code > 599) {
            invalidStatuses.add(code);
        } else if (output.isCommitted()) {
            throw new IllegalStateException("sendError(" + code + ") after commit");
        } else {
            status = code;
            errorMessage = message;
        }
        output.commit();
    }

    // guarded by this
    private void status(int code) {
        if (code < 100 || code > 599) {
            invalidStatuses.add(code);
        } else {
            status = code;
        }
    }
}
