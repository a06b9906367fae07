package dev.pipe.bench.load;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
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
        HTTP2Client h2 = new HTTP2Client(connector);
        // reads of 64 KiB rather than Jetty's 8 KiB, as the servers read HTTP/1.1: fewer system calls on the tool's side
        h2.setInputBufferSize(64 * 1024);
        client = new HttpClient(new HttpClientTransportOverHTTP2(h2));
        client.setIdleTimeout(TimeUnit.MINUTES.toMillis(10));
        client.start();
    }

    /**
     * A receiver that reads the whole body as the client's buffers come (Jetty's content source, read on demand, each
     * chunk checksummed and released): {status, count, crc32c, nanoTime at the end}.
     */
    long[] receive(URI uri, CountDownLatch asked) {
        CRC32C crc = new CRC32C();
        long[] count = {0};
        CompletableFuture<Result> done = new CompletableFuture<>();
        client.newRequest(uri).idleTimeout(10, TimeUnit.MINUTES)
                .onResponseContentSource((response, source) -> new Runnable() {
                    @Override
                    public void run() {
                        for (;;) {
                            Content.Chunk chunk = source.read();
                            if (chunk == null) {
                                source.demand(this);
                                return;
                            }
                            if (Content.Chunk.isFailure(chunk)) {
                                return; // the request fails too: the complete listener reports it
                            }
                            count[0] += chunk.remaining();
                            crc.update(chunk.getByteBuffer());
                            chunk.release();
                            if (chunk.isLast()) {
                                return;
                            }
                        }
                    }
                }.run())
                .send(done::complete);
        asked.countDown();
        try {
            Result result = done.get(10, TimeUnit.MINUTES);
            if (result.isFailed()) {
                throw new IOException(result.getFailure());
            }
            return new long[] {result.getResponse().getStatus(), count[0], crc.getValue(), System.nanoTime()};
        } catch (Exception e) {
            System.out.println("receiver failed: " + e);
            return new long[] {-1, -1, -1, System.nanoTime()};
        }
    }

    /**
     * A sender of {@code bytes} of the repeated block, with its Content-Length, from buffers over the block (nothing
     * copied on our side); returns its progress text, read as it comes.
     */
    String send(URI uri, byte[] block, long bytes) throws Exception {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (long left = bytes; left > 0; ) {
            int length = (int) Math.min(block.length, left);
            buffers.add(ByteBuffer.wrap(block, 0, length));
            left -= length;
        }
        CompletableFuture<String> progress = new CompletableFuture<>();
        client.newRequest(uri).method(HttpMethod.PUT).idleTimeout(10, TimeUnit.MINUTES)
                .body(new ByteBufferRequestContent("application/octet-stream", buffers.toArray(ByteBuffer[]::new)))
                .send(new BufferingResponseListener(64 * 1024) {
                    @Override
                    public void onComplete(Result result) {
                        progress.complete(getContentAsString(StandardCharsets.UTF_8)
                                + (result.isFailed() ? "(failed: " + result.getFailure() + ")" : ""));
                    }
                });
        return progress.get(10, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
