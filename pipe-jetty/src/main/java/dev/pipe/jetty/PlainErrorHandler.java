package dev.pipe.jetty;

import dev.pipe.servlet.Responses;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a malformed URI, an unknown path) in the protocol's shape: {@code text/plain}, a
 * {@code Content-Length} and one {@code [ERROR]} line, never an HTML page or a stack trace. Install it on the
 * {@code Server} and on the context:
 *
 * <pre>{@code
 * server.setErrorHandler(new PlainErrorHandler());
 * context.setErrorHandler(new PlainErrorHandler());
 * }</pre>
 */
public class PlainErrorHandler extends ErrorHandler {

    private static final int MAX_REASON = 200;

    /** A handler that shows neither stack traces nor causes. */
    public PlainErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** Every method gets the line, {@code PUT} included (Jetty's default answers only GET, POST and HEAD). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 || code == HttpStatus.NOT_IMPLEMENTED_501) {
            // a request line or framing Jetty cannot take (HTTP/9.9, an unknown transfer coding) is the client's
            // error, not the server's: a 4xx, so that nothing a client sends makes the server answer 5xx
            response.setStatus(HttpStatus.BAD_REQUEST_400);
        }
        byte[] body = Responses.errorBody(reason(code, message));
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        // the same headers as the pipes' own errors
        Responses.COMMON.forEach(headers::put);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** One short line: Jetty's message when it has one, else the status's reason phrase. */
    static String reason(int code, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        text = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "..." : text;
    }
}
