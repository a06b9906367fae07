package dev.pipe.jetty;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * Jetty's h2c factory (HTTP/2 in clear text, by prior knowledge or by {@code Upgrade: h2c}), except that a request
 * with a chunked body is answered over HTTP/1.1 rather than upgraded. Jetty declines to upgrade a request with a
 * {@code Content-Length} but upgrades one whose body is chunked, and then reads the rest of that body as HTTP/2's
 * preface and closes the connection ({@code invalid_preface}; jetty/jetty.project#11588). That is what the JDK's
 * {@code HttpClient}, whose default version is HTTP/2, sends for a streamed upload on a new connection: a sender's
 * {@code PUT} from {@code BodyPublishers.ofInputStream} would fail. RFC 9113 lets a server ignore the upgrade.
 *
 * <pre>{@code
 * HttpConfiguration http = new HttpConfiguration();
 * ServerConnector connector = new ServerConnector(server, new PipeConnectionFactory(http),
 *         new H2cConnectionFactory(http));
 * }</pre>
 */
public class H2cConnectionFactory extends HTTP2CServerConnectionFactory {

    /**
     * A factory over {@code configuration}.
     *
     * @param configuration the connector's HTTP settings, the same as its HTTP/1.x factory's
     */
    public H2cConnectionFactory(HttpConfiguration configuration) {
        super(configuration);
    }

    @Override
    public Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
                                        HttpFields.Mutable response101) {
        if (request.getHttpFields().contains(HttpHeader.TRANSFER_ENCODING)) {
            return null; // not upgraded: the request and its response stay on HTTP/1.1
        }
        return super.upgradeConnection(connector, endPoint, request, response101);
    }
}
