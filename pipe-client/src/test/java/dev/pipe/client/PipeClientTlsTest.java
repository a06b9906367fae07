package dev.pipe.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.jetty.PipeServers;
import dev.pipe.jetty.TlsCertificate;
import dev.pipe.servlet.PipeServlet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTPS: the client sends on its own TLS socket and receives through HttpClient, trusting the server's
 * certificate (made here by the JDK's keytool), and refuses a server whose certificate it does not trust.
 */
@Timeout(60)
class PipeClientTlsTest {

    private static final String PASSWORD = "changeit";

    @Test
    void aTransferOverHttpsAndAnUntrustedCertificateRefused(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "pipe", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, said);

        PipeServlet servlet = new PipeServlet();
        Server server = new Server(PipeServers.threadPool());
        ServerConnector connector = PipeServers.connector(server, "127.0.0.1", 0, false, true,
                TlsCertificate.pkcs12(keystore, PASSWORD.toCharArray()));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        PipeServers.mount(context, "/api/v1/pipe", servlet);
        server.setHandler(context);
        server.start();
        try {
            URI pipes = URI.create("https://localhost:" + connector.getLocalPort() + "/api/v1/pipe");
            PipeClient client = PipeClient.builder(pipes).tls(trusting(keystore)).build();
            CompletableFuture<SendResult> sent = client.sendAsync("tls", 1,
                    Upload.of(new ByteArrayInputStream("over TLS\n".getBytes(StandardCharsets.UTF_8))), e -> { });
            try (Received received = client.receive("tls", 1)) {
                assertEquals("over TLS\n", new String(received.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(9, sent.get(30, TimeUnit.SECONDS).bytesSent());

            PipeClient untrusting = PipeClient.builder(pipes).build(); // the JDK's authorities only
            IOException refused = assertThrows(IOException.class,
                    () -> untrusting.send("tls2", 1, Upload.of(InputStream.nullInputStream()), e -> { }));
            assertTrue(refused instanceof javax.net.ssl.SSLException, refused.toString());
        } finally {
            servlet.registry().close();
            server.stop();
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
