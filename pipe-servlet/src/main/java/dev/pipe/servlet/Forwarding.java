package dev.pipe.servlet;

import dev.pipe.core.TransferInfo;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Which of the sender's headers reach the receivers (PROTOCOL.md section 7), and how. */
final class Forwarding {

    static final String CONTENT_TYPE = "Content-Type";
    static final String CONTENT_DISPOSITION = "Content-Disposition";
    static final String X_PIPING = "X-Piping";

    private Forwarding() {
    }

    /** What the sender's request says about its stream. */
    static TransferInfo info(HttpServletRequest request) {
        return info(request, request.getContentLengthLong(), request.getHeader(CONTENT_TYPE),
                request.getHeader(CONTENT_DISPOSITION));
    }

    /**
     * What a form's sender says about its stream: the payload part's {@code Content-Type} and
     * {@code Content-Disposition}, and the request's {@code X-Piping}. The part's length is not known ahead.
     */
    static TransferInfo info(HttpServletRequest request, MultipartDecoder form) {
        return info(request, -1, form.contentType(), form.contentDisposition());
    }

    private static TransferInfo info(HttpServletRequest request, long contentLength, String contentType,
            String disposition) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put(CONTENT_TYPE, List.of(safeContentType(contentType)));
        }
        if (disposition != null) {
            headers.put(CONTENT_DISPOSITION, List.of(disposition));
        }
        List<String> piping = Collections.list(request.getHeaders(X_PIPING));
        if (!piping.isEmpty()) {
            headers.put(X_PIPING, List.copyOf(piping));
        }
        return new TransferInfo(contentLength, headers);
    }

    /** {@code text/html} is forwarded as {@code text/plain}, parameters kept, so a pipe never serves a page. */
    static String safeContentType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        if (mime.toLowerCase(Locale.ROOT).equals("text/html")) {
            return "text/plain" + (semicolon < 0 ? "" : contentType.substring(semicolon));
        }
        return contentType;
    }

    /** The forwarded headers a browser may only read when exposed: {@code Content-Disposition}, {@code X-Piping}. */
    static String exposedHeaders(TransferInfo info) {
        List<String> names = new ArrayList<>(2);
        if (info.metadata().containsKey(CONTENT_DISPOSITION)) {
            names.add(CONTENT_DISPOSITION);
        }
        if (info.metadata().containsKey(X_PIPING)) {
            names.add(X_PIPING);
        }
        return String.join(", ", names);
    }
}
