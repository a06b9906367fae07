package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server on the open network: HTTPS from PEM files as certbot writes them or from a PKCS#12 keystore,
 * HTTP/2 by ALPN beside HTTP/1.1, the certificate re-read when its files change, and a clear one-line refusal of
 * files it cannot use. Certificates are made by the test with the JDK's keytool.
 */
@Timeout(90)
class TlsTest {

    private static final Pattern SERVING = Pattern.compile("pipe serving (https://127\\.0\\.0\\.1:(\\d+)/api/v1/pipe)/");
    private static final String PASSWORD = TestCertificates.PASSWORD;

    @TempDir
    Path dir;

    @Test
    void pemFilesServeHttp2AndHttp11AndAPipeCrossesThem() throws Exception {
        Pem pem = pem(keystore("localhost"), "server");
        Server server = start(Map.of(), "--tls-cert", pem.chain().toString(), "--tls-key", pem.key().toString());
        try {
            String pipes = pipes(server);
            String url = pipes.replace("127.0.0.1", "localhost") + "/secure";
            Path received = dir.resolve("received");
            Process receiver = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", pem.chain().toString(),
                    "-o", received.toString(), "-w", "%{http_version}", url).redirectErrorStream(true).start();
            Path log = Files.writeString(dir.resolve("incident.log"), "07:23:14 ERR checkout 502\n".repeat(1000));
            Process sender = new ProcessBuilder("curl", "-sS", "--http1.1", "--cacert", pem.chain().toString(),
                    "-T", log.toString(), "-w", "%{http_version}", url).redirectErrorStream(true).start();
            assertTrue(sender.waitFor(30, TimeUnit.SECONDS) && receiver.waitFor(30, TimeUnit.SECONDS));
            String senderOut = new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String receiverOut = new String(receiver.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, sender.exitValue(), senderOut + "\nreceiver (exit " + receiver.exitValue() + "): "
                    + receiverOut);
            assertTrue(senderOut.endsWith("1.1"), "the sender spoke HTTP/1.1: " + senderOut);
            assertTrue(senderOut.contains("[INFO] All receiver(s) was/were received successfully."), senderOut);
            assertEquals(0, receiver.exitValue());
            assertEquals("2", receiverOut, "the receiver spoke HTTP/2, chosen by ALPN");
            assertArrayEquals(Files.readAllBytes(log), Files.readAllBytes(received));
        } finally {
            Stops.stopNow(server); // its HTTP/2 client has just hung up
        }
    }

    /** With {@code --http2 false} a client that offers HTTP/2 by ALPN gets HTTP/1.1. */
    @Test
    void withHttp2OffAnHttpsClientGetsHttp11() throws Exception {
        Pem pem = pem(keystore("localhost"), "server");
        Server server = start(Map.of(), "--http2", "false", "--tls-cert", pem.chain().toString(), "--tls-key",
                pem.key().toString());
        try {
            String version = pipes(server).replace("127.0.0.1", "localhost").replace("/api/v1/pipe", "/version");
            Process curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", pem.chain().toString(),
                    "-w", " %{http_version}", version).redirectErrorStream(true).start();
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(Main.version() + "\n 1.1", out);
        } finally {
            server.stop();
        }
    }

    /** The JDK's HttpClient, trusting the certificate, sends and receives over HTTP/2. */
    @Test
    void aPkcs12KeystoreServesTheJdkClientOverHttp2() throws Exception {
        Path keystore = keystore("localhost");
        Server server = start(Map.of("PIPE_TLS_PASSWORD", PASSWORD), "--tls-keystore", keystore.toString());
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            URI pipe = URI.create(pipes(server).replace("127.0.0.1", "localhost") + "/jdk");
            CompletableFuture<HttpResponse<String>> receiver = client.sendAsync(HttpRequest.newBuilder(pipe).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> sender = client.send(HttpRequest.newBuilder(pipe)
                    .PUT(HttpRequest.BodyPublishers.ofString("over h2\n")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, sender.version());
            assertEquals(200, sender.statusCode(), sender.body());
            HttpResponse<String> got = receiver.get(30, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, got.version());
            assertEquals("over h2\n", got.body());
        } finally {
            server.stop();
        }
    }

    /** certbot renews the files in place: new connections get the new certificate, no restart. */
    @Test
    void renewedPemFilesServeNewConnections() throws Exception {
        Pem pem = pem(keystore("localhost"), "server");
        Server server = start(Map.of(), "--tls-cert", pem.chain().toString(), "--tls-key", pem.key().toString());
        try {
            int port = Integer.parseInt(port(server));
            assertEquals("CN=localhost", subject(port));
            Pem renewed = pem(keystore("renewed.localhost"), "renewed");
            Files.copy(renewed.chain(), pem.chain(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.key(), pem.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!subject(port).equals("CN=renewed.localhost")) {
                assertTrue(System.nanoTime() < deadline, "the renewed certificate is served within 30 s");
                TimeUnit.MILLISECONDS.sleep(200); // polling the server with a deadline: it re-reads on its own clock
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void filesThatCannotServeAreOneLineRefusals() throws Exception {
        Pem pem = pem(keystore("localhost"), "server");
        Pem other = pem(keystore("localhost"), "other");
        String[][] cases = {
            {"--tls-cert", pem.chain().toString()},
            {"--tls-cert", pem.chain().toString(), "--tls-key", other.key().toString()},
            {"--tls-cert", pem.key().toString(), "--tls-key", pem.key().toString()},
            {"--tls-keystore", keystore("localhost").toString()},
        };
        for (String[] args : cases) {
            String[] all = new String[args.length + 2];
            all[0] = "--port";
            all[1] = "0";
            System.arraycopy(args, 0, all, 2, args.length);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(all, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, String.join(" ", args) + ": " + message);
            assertTrue(message.startsWith("pipe-server: --tls-") && message.strip().lines().count() == 1, message);
        }
    }

    /** Starts the jar's server with {@code tls} flags; it must say it serves HTTPS on the port it listens on. */
    private Server start(Map<String, String> env, String... tls) throws Exception {
        String[] args = new String[tls.length + 2];
        args[0] = "--port";
        args[1] = "0";
        System.arraycopy(tls, 0, args, 2, tls.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Server server = Main.start(ServerOptions.parse(args, env), new PrintStream(out, true, StandardCharsets.UTF_8));
        String said = out.toString(StandardCharsets.UTF_8);
        Matcher matcher = SERVING.matcher(said);
        assertTrue(matcher.find() && matcher.group(2).equals(port(server)), "it says it serves HTTPS: " + said);
        return server;
    }

    private static String pipes(Server server) {
        return "https://127.0.0.1:" + port(server) + "/api/v1/pipe";
    }

    private static String port(Server server) {
        return String.valueOf(((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).getLocalPort());
    }

    private Path keystore(String name) throws Exception {
        return TestCertificates.keystore(dir, name);
    }

    private record Pem(Path chain, Path key) {
    }

    /** The keystore's certificate and key as certbot writes them: fullchain.pem and a PKCS#8 privkey.pem. */
    private Pem pem(Path keystore, String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate certificate = store.getCertificate("pipe");
        byte[] key = store.getKey("pipe", PASSWORD.toCharArray()).getEncoded();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path chain = Files.writeString(dir.resolve(name + "-fullchain.pem"), "-----BEGIN CERTIFICATE-----\n"
                + base64.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Path privateKey = Files.writeString(dir.resolve(name + "-privkey.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + base64.encodeToString(key) + "\n-----END PRIVATE KEY-----\n");
        return new Pem(chain, privateKey);
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** The subject of the certificate a new connection to {@code port} is served (trusting any: it only looks). */
    private static String subject(int port) throws Exception {
        TrustManager lookOnly = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {lookOnly}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return served.getSubjectX500Principal().getName();
        }
    }
}
