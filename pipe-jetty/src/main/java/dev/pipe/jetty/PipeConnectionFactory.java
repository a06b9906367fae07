package dev.pipe.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1.x connection factory, except that a response to an HTTP/1.0 request starts with an
 * {@code HTTP/1.0} status line, as piping-server answers (PROTOCOL.md section 5), that header values reach the
 * pipes as the client wrote them, and that a request is read 64 KiB at a time (16 KiB when HTTP/2 shares its
 * configuration; see the constructor). Jetty itself always answers
 * {@code HTTP/1.1}, which RFC 9110 allows, but a client written for the reference may read the status line.
 *
 * <p>This is the one class that uses a Jetty package that is not API ({@code org.eclipse.jetty.server.internal}):
 * Jetty 12 offers no public hook to choose the status line's version, and {@code HttpConnection} is where its
 * generator is made. If a Jetty upgrade changes that class, this fails to compile, or {@code PipeServersHttpTest} fails on
 * the {@code HTTP/1.0 200 OK} it asserts.
 *
 * <pre>{@code
 * ServerConnector connector = new ServerConnector(server, new PipeConnectionFactory(new HttpConfiguration()));
 * }</pre>
 */
public class PipeConnectionFactory extends HttpConnectionFactory {

    /**
     * A factory over {@code configuration}, which it sets to keep request header values as the client wrote them
     * ({@link HttpConfiguration#setHeaderCacheCaseSensitive}): Jetty's header cache otherwise hands a forwarded
     * {@code Content-Type: application/json; charset=UTF-8} on as {@code charset=utf-8}.
     *
     * @param configuration the connector's HTTP settings; changed as said above
     */
    public PipeConnectionFactory(HttpConfiguration configuration) {
        super(configuration);
        configuration.setHeaderCacheCaseSensitive(true);
        // a request is read 64 KiB per system call rather than Jetty's default 8 KiB (pooled buffers). Jetty keeps
        // this size in the configuration: an HTTP/2 factory made with the same one sets it to HTTP/2's 16 KiB, and
        // it must stay so, since a client with prior knowledge of HTTP/2 has what the first read took handed to
        // the HTTP/2 connection in one buffer of that size (more, and the connection is dropped). A sender's reads
        // grow to a chunk once its pipe streams (the servlet asks for it).
        setInputBufferSize(Math.max(getInputBufferSize(), INPUT_BUFFER));
    }

    /** The size of the buffer a connection reads requests into. */
    static final int INPUT_BUFFER = 64 * 1024;

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection connection = new StatusLineConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    /**
     * Jetty's HTTP/1 connection, answering every request in its own version: with {@link Http10StatusLine}, and, for
     * a request Jetty cannot parse, in the version its request line gave (Jetty takes HTTP/1.0 for all of those,
     * which the status line would then say even to an HTTP/1.1 client); HTTP/1.1 when the line had none yet.
     */
    private static final class StatusLineConnection extends HttpConnection {

        private static final String BAD_METHOD = "BAD";
        private static final String BAD_URI = "/badMessage";

        private HttpVersion requestVersion;   // the version of the request being parsed, once its line gave it

        StatusLineConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
        }

        @Override
        protected HttpGenerator newHttpGenerator() {
            return new Http10StatusLine();
        }

        @Override
        protected RequestHandler newRequestHandler() {
            return new RequestHandler() {
                @Override
                public void messageBegin() {
                    requestVersion = null;
                    super.messageBegin();
                }

                @Override
                public void startRequest(String method, String uri, HttpVersion version) {
                    requestVersion = version;
                    super.startRequest(method, uri, version);
                }
            };
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            boolean bad = BAD_METHOD.equals(method) && BAD_URI.equals(uri) && version == HttpVersion.HTTP_1_0;
            HttpVersion known = requestVersion;
            return super.newHttpStream(method, uri, bad ? (known != null ? known : HttpVersion.HTTP_1_1) : version);
        }
    }

    /** Writes {@code HTTP/1.0} in place of {@code HTTP/1.1} in the status line of a response to HTTP/1.0. */
    static final class Http10StatusLine extends HttpGenerator {

        private static final int VERSION_DIGIT = "HTTP/1.".length();

        @Override
        public Result generateResponse(MetaData.Response info, boolean head, ByteBuffer header, ByteBuffer chunk,
                ByteBuffer content, boolean last) throws IOException {
            boolean statusLine = info != null && getState() == State.START && header != null
                    && info.getHttpVersion() == HttpVersion.HTTP_1_0;
            Result result = super.generateResponse(info, head, header, chunk, content, last);
            if (statusLine && header.remaining() > VERSION_DIGIT) {
                // the header is ready to flush from its position, and begins with the status line
                int at = header.position() + VERSION_DIGIT;
                if (header.get(at - 1) == '.' && header.get(at) == '1' && header.get(header.position()) == 'H') {
                    header.put(at, (byte) '0');
                }
            }
            return result;
        }
    }
}
