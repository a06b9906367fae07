package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates for the TLS tests, made by the JDK's keytool. */
final class TestCertificates {

    /** The password of every keystore made here. */
    static final String PASSWORD = "changeit";

    private TestCertificates() {
    }

    /** A certificate for {@code name} (and localhost, 127.0.0.1) with its RSA key, in a new PKCS#12 keystore. */
    static Path keystore(Path dir, String name) throws Exception {
        Path keystore = Files.createTempFile(dir, "keystore", ".p12");
        Files.delete(keystore);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "pipe", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=dns:" + name + ",dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        return keystore;
    }
}
