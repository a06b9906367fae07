package dev.pipe.servlet;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A streaming decoder of a {@code multipart/form-data} body (RFC 7578, RFC 2046 section 5.1) that picks out one
 * part, the <em>payload</em>, and reports its bytes as regions of the caller's own array, never copying them.
 *
 * <p>The payload is the first file part: the first part whose {@code Content-Disposition} has a {@code filename}
 * or {@code filename*} parameter. Fields before it are skipped, except that the content of the very first field
 * is kept (up to {@link #MAX_FIELD_BYTES}): if the form ends without a file part, that field is the payload, as
 * when a form with only a {@code <textarea>} sends text. Parts after the payload part, and the epilogue, are
 * consumed and ignored.
 *
 * <p>A field named {@value #TOKEN_FIELD} before the payload is the sender's token (a page without script cannot
 * set an {@code Authorization} header): it is kept apart (up to {@link #MAX_TOKEN_BYTES}), never the payload.
 *
 * <p>The caller reads raw body bytes into its array, calls {@link #decode}, lends the payload region it reports,
 * and calls again with the bytes not consumed. While in the payload part the decoder leaves unconsumed a trailing
 * run of bytes that could begin the delimiter; the caller moves that run to the front of its array and appends
 * more bytes after it. The run is shorter than the delimiter, which is at most 74 bytes, so an array longer than
 * the delimiter always has room to make progress. At the end of input the caller calls {@link #finish}.
 *
 * <p>Buffers are allocated at most once per decoder, none per call. Not thread-safe: one reader at a time.
 */
final class MultipartDecoder {

    /** The most bytes of one part's header lines, with their line ends. */
    static final int MAX_HEADER_BYTES = 8192;
    /** The most bytes kept of the first field, the payload of a form without a file part. */
    static final int MAX_FIELD_BYTES = 65536;

    /** The name of the form field that carries the sender's token. */
    static final String TOKEN_FIELD = "pipe_token";
    /** The most bytes of the token field. */
    static final int MAX_TOKEN_BYTES = 1024;

    private static final String DEFAULT_FIELD_TYPE = "text/plain; charset=UTF-8";
    private static final int MAX_BOUNDARY = 70;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /**
     * Where the decoder is in the body. Each state is left only where its bytes say so: a delimiter ends PREAMBLE,
     * FIELD, TOKEN, SKIP and PAYLOAD ({@link #scan}, {@link #payload}); a boundary line's bytes are read in
     * {@link #boundaryLine}; a part's headers decide what the part is in {@link #part}.
     *
     * <pre>
     *   PREAMBLE ──delimiter──▶ BOUNDARY ──"-"──▶ CLOSE ──"-"──▶ EPILOGUE (the first field becomes the payload
     *                             │  │                                    if no file came)
     *                  spaces/tabs│  └──CR──▶ LINE_FEED ──LF──▶ HEADERS (before the payload) or SKIP (after it)
     *                             ▼             ▲
     *                          PADDING ──CR─────┘
     *   HEADERS ──empty line──▶ PAYLOAD (a file part) | TOKEN (the token field) | FIELD (the first field) | SKIP
     *   PAYLOAD, TOKEN, FIELD, SKIP ──delimiter──▶ BOUNDARY
     * </pre>
     */
    private enum State {
        PREAMBLE,  // before the first boundary: scan for the delimiter, discard
        BOUNDARY,  // right after a boundary: "--", or transport padding and CRLF
        CLOSE,     // after a boundary and a '-': the second '-' of the close delimiter
        PADDING,   // in transport padding: spaces and tabs until CR
        LINE_FEED, // after the CR that ends a boundary line: LF
        HEADERS,   // in a part's header lines
        FIELD,     // in the first field: scan for the delimiter, keep the bytes
        TOKEN,     // in the token field: scan for the delimiter, keep the bytes apart
        SKIP,      // in a part that is not the payload: scan for the delimiter, discard
        PAYLOAD,   // in the payload part: report regions of the caller's array
        EPILOGUE   // after the close delimiter: ignore everything
    }

    /** CRLF "--" boundary. */
    private final byte[] delimiter;

    private State state = State.PREAMBLE;
    /** Delimiter bytes matched so far outside the payload; the start of the body counts as a CRLF. */
    private int matched = 2;

    private byte[] header;
    private int headerLength;
    private int lineStart;

    private byte[] field;
    private int fieldLength;
    private boolean fieldSeen;
    private boolean fieldTooLarge;
    private String fieldType;

    private byte[] token;
    private int tokenLength;

    private boolean headersKnown;
    private boolean payloadEnded;
    private boolean formEnded;
    private String contentType;
    private String contentDisposition;

    private byte[] payloadArray;
    private int payloadFrom;
    private int payloadTo;

    /**
     * A decoder of a body with the given boundary.
     *
     * @throws IllegalArgumentException if the boundary is not valid by RFC 2046; see {@link #boundary}
     */
    MultipartDecoder(String boundary) {
        if (invalid(boundary) != null) {
            throw new IllegalArgumentException("not a multipart boundary: " + boundary);
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The boundary of a {@code Content-Type}, or null when it is not {@code multipart/form-data}. The media type is
     * compared case-insensitively; parameters may be quoted, in any order, with spaces around ';' and '='.
     *
     * @throws MultipartException when it is {@code multipart/form-data} but the boundary is missing, empty, longer
     *         than 70 characters, or has characters outside RFC 2046 {@code bchars}
     */
    static String boundary(String contentType) throws MultipartException {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        if (!type.trim().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        String boundary = parameter(contentType, "boundary");
        String reason = invalid(boundary);
        if (reason != null) {
            throw new MultipartException("The form's boundary " + reason + ".");
        }
        return boundary;
    }

    /**
     * Decodes raw body bytes {@code buf[from, to)} and returns how many of them it consumed: all of them except,
     * while in the payload part, a trailing run of bytes that could be the start of the delimiter
     * ({@code "\r\n--" + boundary}). The caller must present those again, at the start of the next region,
     * followed by more bytes. The run is never longer than the delimiter.
     *
     * <p>Afterwards {@link #hasPayload()} tells whether this call found payload bytes; if so they are
     * {@code payloadArray()[payloadFrom(), payloadTo())}: normally {@code buf} itself, a sub-range of
     * {@code [from, to)}, or for a form without a file part the decoder's own copy of the first field. A call
     * reports at most one region and may stop consuming right after it, so that the caller can lend it before
     * calling again with the rest.
     *
     * @throws MultipartException for a malformed form: part headers over {@link #MAX_HEADER_BYTES}, a header line
     *         without ':', a part without {@code Content-Disposition: form-data}, bad bytes after a boundary, or
     *         a form without a file part whose first field is over {@link #MAX_FIELD_BYTES}
     */
    int decode(byte[] buf, int from, int to) throws MultipartException {
        Objects.checkFromToIndex(from, to, buf.length);
        payloadArray = null;
        int i = from;
        while (i < to && payloadArray == null) {
            switch (state) {
                case PREAMBLE, FIELD, TOKEN, SKIP -> i = scan(buf, i, to);
                case HEADERS -> i = headers(buf, i, to);
                case PAYLOAD -> {
                    i = payload(buf, i, to);
                    if (state == State.PAYLOAD) {
                        return i - from; // all but a possible delimiter start: the caller brings more
                    }
                }
                case EPILOGUE -> i = to;
                default -> boundaryLine(buf[i++]);
            }
        }
        return (state == State.EPILOGUE ? to : i) - from; // the epilogue goes with the first field's report
    }

    /** Whether the last {@link #decode} call found payload bytes. */
    boolean hasPayload() {
        return payloadArray != null;
    }

    /** The array holding the payload bytes the last call found, or null if it found none. */
    byte[] payloadArray() {
        return payloadArray;
    }

    /** Where the payload bytes the last call found begin in {@link #payloadArray()}. */
    int payloadFrom() {
        return payloadFrom;
    }

    /** Where the payload bytes the last call found end (exclusive) in {@link #payloadArray()}. */
    int payloadTo() {
        return payloadTo;
    }

    /**
     * True once the payload's headers are known: a file part's headers were parsed, or the form ended and the first
     * field is the payload. Stays true.
     */
    boolean headersKnown() {
        return headersKnown;
    }

    /**
     * The payload part's {@code Content-Type} as sent, or, for the first field as payload, its {@code Content-Type}
     * or {@code "text/plain; charset=UTF-8"}; null for a file part that sent none.
     */
    String contentType() {
        return contentType;
    }

    /**
     * The file part's {@code Content-Disposition} as sent, e.g. {@code form-data; name="input_file";
     * filename="a.txt"}; null for the first field as payload (a field is not a file).
     */
    String contentDisposition() {
        return contentDisposition;
    }

    /**
     * The value of the {@value #TOKEN_FIELD} field seen before the payload, trimmed; null if there was none or it
     * was empty.
     */
    String token() {
        if (tokenLength == 0) {
            return null;
        }
        String value = new String(token, 0, tokenLength, StandardCharsets.UTF_8).trim();
        return value.isEmpty() ? null : value;
    }

    /** True once every payload byte has been reported. */
    boolean payloadEnded() {
        return payloadEnded;
    }

    /** True once the close delimiter ({@code "--" + boundary + "--"}) has been seen. */
    boolean formEnded() {
        return formEnded;
    }

    /**
     * Called at the end of input.
     *
     * @throws MultipartException if the payload has not ended (a truncated upload) or there is none (an empty
     *         form, a form without parts)
     */
    void finish() throws MultipartException {
        if (payloadEnded) {
            return;
        }
        throw new MultipartException(headersKnown
                ? "The form ended before the end of its file."
                : "The form ended before a file or a text field.");
    }

    /** Scans for the delimiter outside the payload, keeping the match across calls; returns where it stopped. */
    private int scan(byte[] buf, int i, int to) throws MultipartException {
        byte[] d = delimiter;
        boolean keep = state == State.FIELD || state == State.TOKEN;
        int k = matched;
        for (; i < to; i++) {
            byte b = buf[i];
            if (b == d[k]) {
                if (++k == d.length) {
                    matched = 0;
                    state = State.BOUNDARY;
                    return i + 1;
                }
            } else {
                // No CR past d[0]: the bytes matched were content, and only a CR can start a new match.
                for (int j = 0; keep && j < k; j++) {
                    keep(d[j]);
                }
                k = b == CR ? 1 : 0;
                if (keep && k == 0) {
                    keep(buf[i]);
                }
            }
        }
        matched = k;
        return to;
    }

    /** Scans the payload from {@code i}; reports the region found and returns where it stopped consuming. */
    private int payload(byte[] buf, int i, int to) {
        byte[] d = delimiter;
        int start = i;
        int k = 0;
        for (; i < to; i++) {
            byte b = buf[i];
            if (b == d[k]) {
                if (++k == d.length) {
                    lend(buf, start, i + 1 - k);
                    payloadEnded = true;
                    state = State.BOUNDARY;
                    return i + 1;
                }
            } else {
                k = b == CR ? 1 : 0; // as in scan: the bytes matched are payload, still in buf
            }
        }
        lend(buf, start, to - k);
        return to - k;
    }

    /** Collects a part's header lines; at the empty line, parses them. Returns where it stopped. */
    private int headers(byte[] buf, int i, int to) throws MultipartException {
        if (header == null) {
            header = new byte[MAX_HEADER_BYTES];
        }
        for (; i < to; i++) {
            if (headerLength == MAX_HEADER_BYTES) {
                throw new MultipartException("A form part's headers are over " + MAX_HEADER_BYTES + " bytes.");
            }
            byte b = buf[i];
            header[headerLength++] = b;
            if (b == LF && headerLength >= 2 && header[headerLength - 2] == CR) {
                if (headerLength - 2 == lineStart) {
                    // ISO-8859-1 keeps every byte (a browser sends a filename as raw UTF-8), so that a forwarded
                    // header goes out byte for byte as it came; the names and parameters matched are ASCII
                    part(new String(header, 0, lineStart, StandardCharsets.ISO_8859_1));
                    headerLength = 0;
                    lineStart = 0;
                    return i + 1;
                }
                lineStart = headerLength;
            }
        }
        return to;
    }

    /** Parses a part's header lines, each ending in CRLF, and decides what the part is. */
    private void part(String lines) throws MultipartException {
        String disposition = null;
        String type = null;
        for (int at = 0; at < lines.length(); ) {
            int end = lines.indexOf("\r\n", at);
            int colon = lines.indexOf(':', at);
            if (colon < 0 || colon >= end) {
                throw new MultipartException("A form part has a header line without ':'.");
            }
            String name = lines.substring(at, colon).trim();
            String value = lines.substring(colon + 1, end).trim();
            if (name.equalsIgnoreCase("Content-Disposition")) {
                disposition = value;
            } else if (name.equalsIgnoreCase("Content-Type")) {
                type = value;
            }
            at = end + 2;
        }
        if (disposition == null) {
            throw new MultipartException("A form part has no Content-Disposition.");
        }
        int semicolon = disposition.indexOf(';');
        String kind = semicolon < 0 ? disposition : disposition.substring(0, semicolon);
        if (!kind.trim().equalsIgnoreCase("form-data")) {
            throw new MultipartException("A form part's Content-Disposition is not form-data.");
        }
        if (parameter(disposition, "filename") != null || parameter(disposition, "filename*") != null) {
            headersKnown = true;
            contentType = type;
            contentDisposition = disposition;
            state = State.PAYLOAD;
        } else if (TOKEN_FIELD.equals(parameter(disposition, "name"))) {
            tokenLength = 0; // the last one counts
            state = State.TOKEN;
        } else if (!fieldSeen) {
            fieldSeen = true;
            fieldType = type;
            state = State.FIELD;
        } else {
            state = State.SKIP;
        }
    }

    /** One byte of what follows a boundary: "--", or transport padding and CRLF. */
    private void boundaryLine(byte b) throws MultipartException {
        if (state == State.BOUNDARY && b == '-') {
            state = State.CLOSE;
        } else if (state == State.CLOSE && b == '-') {
            closed();
        } else if ((state == State.BOUNDARY || state == State.PADDING) && (b == ' ' || b == '\t')) {
            state = State.PADDING;
        } else if ((state == State.BOUNDARY || state == State.PADDING) && b == CR) {
            state = State.LINE_FEED;
        } else if (state == State.LINE_FEED && b == LF) {
            state = headersKnown ? State.SKIP : State.HEADERS; // after the payload, parts are skipped unread
        } else {
            throw new MultipartException("The form has bad bytes after a boundary.");
        }
    }

    /** The close delimiter: without a file part, the first field becomes the payload. */
    private void closed() throws MultipartException {
        formEnded = true;
        state = State.EPILOGUE;
        if (headersKnown || !fieldSeen) {
            return;
        }
        if (fieldTooLarge) {
            throw new MultipartException("The form has no file, and its text field is over "
                    + MAX_FIELD_BYTES / 1024 + " KiB.");
        }
        headersKnown = true;
        contentType = fieldType != null ? fieldType : DEFAULT_FIELD_TYPE;
        payloadEnded = true;
        lend(field, 0, fieldLength);
    }

    private void keep(byte b) throws MultipartException {
        if (state == State.TOKEN) {
            if (tokenLength == MAX_TOKEN_BYTES) {
                throw new MultipartException("The form's token is over " + MAX_TOKEN_BYTES + " bytes.");
            }
            if (token == null) {
                token = new byte[MAX_TOKEN_BYTES];
            }
            token[tokenLength++] = b;
            return;
        }
        if (fieldLength < MAX_FIELD_BYTES) {
            if (field == null) {
                field = new byte[MAX_FIELD_BYTES];
            }
            field[fieldLength++] = b;
        } else {
            fieldTooLarge = true;
        }
    }

    private void lend(byte[] array, int from, int to) {
        if (from < to) {
            payloadArray = array;
            payloadFrom = from;
            payloadTo = to;
        }
    }

    /**
     * The value of parameter {@code name} (compared case-insensitively) in a header value such as
     * {@code type; a=b; c="d"}, unquoted, or null if absent. Quoted strings may hold ';' and backslash escapes.
     */
    private static String parameter(String value, String name) {
        int n = value.length();
        int i = value.indexOf(';');
        while (i >= 0 && i < n) { // at a ';'
            int eq = i + 1;
            while (eq < n && value.charAt(eq) != '=' && value.charAt(eq) != ';') {
                eq++;
            }
            if (eq == n || value.charAt(eq) == ';') {
                i = eq; // a parameter without a value
                continue;
            }
            String key = value.substring(i + 1, eq).trim();
            i = eq + 1;
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            String parsed;
            if (i < n && value.charAt(i) == '"') {
                StringBuilder text = new StringBuilder();
                // no backslash escapes: browsers send a backslash as it is, and a quote as %22 (WHATWG HTML)
                for (i++; i < n && value.charAt(i) != '"'; i++) {
                    text.append(value.charAt(i));
                }
                parsed = text.toString();
            } else {
                int start = i;
                while (i < n && value.charAt(i) != ';') {
                    i++;
                }
                parsed = value.substring(start, i).trim();
            }
            if (key.equalsIgnoreCase(name)) {
                return parsed;
            }
            while (i < n && value.charAt(i) != ';') {
                i++;
            }
        }
        return null;
    }

    /** Why {@code boundary} is not an RFC 2046 boundary, or null if it is one. */
    private static String invalid(String boundary) {
        if (boundary == null || boundary.isEmpty()) {
            return "is missing";
        }
        if (boundary.length() > MAX_BOUNDARY) {
            return "is longer than " + MAX_BOUNDARY + " characters";
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean bchar = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "'()+_,-./:=?".indexOf(c) >= 0 || c == ' ' && i < boundary.length() - 1;
            if (!bchar) {
                return "has a character RFC 2046 does not allow";
            }
        }
        return null;
    }
}
