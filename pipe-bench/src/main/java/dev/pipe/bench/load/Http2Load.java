package dev.pipe.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.OutputStreamRequestContent;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTP/2 parties of the throughput scenario ({@code --http2 h2c} or {@code h2}), through Jetty's HTTP/2 client:
 * h2c with prior knowledge for {@code http:}, h2 by ALPN for {@code https:} (any certificate: the tool measures, it
 * does not authenticate). One client, so the parties share one connection, as a browser's would.
 */
final class Http2Load implements AutoCloseable {

    private final HttpClient client;

    Http2Load() throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(new SslContextFactory.Client(true));
        client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        client.setIdleTimeout(TimeUnit.MINUTES.toMillis(10));
        client.start();
    }

    /** A receiver that reads the whole body: {status, count, crc32c, nanoTime at the end}. */
    long[] receive(URI uri, CountDownLatch asked) {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        client.newRequest(uri).idleTimeout(10, TimeUnit.MINUTES).send(listener);
        asked.countDown();
        try {
            Response response = listener.get(10, TimeUnit.MINUTES);
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[256 * 1024];
            long count = 0;
            try (InputStream in = listener.getInputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    crc.update(buffer, 0, read);
                    count += read;
                }
            }
            return new long[] {response.getStatus(), count, crc.getValue(), System.nanoTime()};
        } catch (Exception e) {
            System.out.println("receiver failed: " + e);
            return new long[] {-1, -1, -1, System.nanoTime()};
        }
    }

    /** A sender of {@code bytes} of the repeated block; returns its progress text. */
    String send(URI uri, byte[] block, long bytes) throws Exception {
        OutputStreamRequestContent content = new OutputStreamRequestContent("application/octet-stream");
        InputStreamResponseListener listener = new InputStreamResponseListener();
        client.newRequest(uri).method(HttpMethod.PUT).body(content).idleTimeout(10, TimeUnit.MINUTES).send(listener);
        StringBuilder text = new StringBuilder();
        // read the progress as it comes, so that a server that writes it before reading is never held up
        Thread progress = new Thread(() -> {
            try {
                listener.get(10, TimeUnit.MINUTES);
                text.append(new String(listener.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (Exception e) {
                text.append("(progress: ").append(e).append(')');
            }
        }, "sender-progress");
        progress.setDaemon(true);
        progress.start();
        try (OutputStream out = content.getOutputStream()) {
            for (long left = bytes; left > 0; ) {
                int length = (int) Math.min(block.length, left);
                out.write(block, 0, length);
                left -= length;
            }
        } catch (IOException e) {
            text.append("(sending: ").append(e).append(')');
        }
        progress.join(TimeUnit.MINUTES.toMillis(1));
        return text.toString();
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
