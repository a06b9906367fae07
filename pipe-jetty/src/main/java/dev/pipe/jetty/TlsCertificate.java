package dev.pipe.jetty;

import dev.pipe.core.Scheduler;
import dev.pipe.core.access.SettledChange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate and key from files, for {@link PipeServers#connector(org.eclipse.jetty.server.Server, String,
 * int, boolean, boolean, TlsCertificate)}: PEM files as certbot writes them ({@link #pem}), or a PKCS#12 keystore
 * ({@link #pkcs12}). {@link #watch} re-reads them when they change (certbot renews them in place), once their content
 * has stopped changing; a new certificate serves new connections, and one that cannot be read, or whose key is not
 * its own, is logged and the one before kept.
 *
 * <p>Threads: {@link #reloadIfChanged()} runs on the scheduler's thread, one call at a time; Jetty's
 * {@code SslContextFactory.reload} swaps the context under its own lock.
 */
public final class TlsCertificate {

    private static final Logger LOG = LoggerFactory.getLogger(TlsCertificate.class);

    /** The password of the in-memory keystore built from PEM files: it never leaves this process. */
    private static final char[] IN_MEMORY = "pipe".toCharArray();

    private final List<Path> files;
    private final char[] password;    // null for PEM files
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final SettledChange changes;

    private TlsCertificate(List<Path> files, char[] password) throws IOException, GeneralSecurityException {
        this.files = files;
        this.password = password;
        byte[][] contents = read();
        factory.setKeyStore(keyStore(contents));
        factory.setKeyStorePassword(new String(password == null ? IN_MEMORY : password));
        changes = new SettledChange(contents);
    }

    /**
     * The certificate chain and private key of two PEM files ({@code fullchain.pem}, {@code privkey.pem}).
     *
     * @param chain the certificate chain, the server's own certificate first
     * @param key   the private key of the server's certificate, not encrypted
     * @return the certificate, read once; {@link #watch} re-reads it
     * @throws IOException              when a file cannot be read
     * @throws GeneralSecurityException with one line to act on when they cannot be used (no certificate, no or an
     *                                  encrypted key, a key that is not the certificate's)
     */
    public static TlsCertificate pem(Path chain, Path key) throws IOException, GeneralSecurityException {
        return new TlsCertificate(List.of(Objects.requireNonNull(chain, "chain"), Objects.requireNonNull(key, "key")),
                null);
    }

    /**
     * The key entry of a PKCS#12 keystore, whose password and key password are {@code password}.
     *
     * @param keystore the keystore file
     * @param password its password, also its key's; copied, so the caller may clear its own array
     * @return the certificate, read once; {@link #watch} re-reads it
     * @throws IOException              when the file cannot be read, or is not a keystore this password opens
     * @throws GeneralSecurityException when the keystore cannot be loaded
     */
    public static TlsCertificate pkcs12(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        return new TlsCertificate(List.of(Objects.requireNonNull(keystore, "keystore")),
                Objects.requireNonNull(password, "password").clone());
    }

    /**
     * Jetty's TLS context over this certificate, for an {@code SslConnectionFactory}.
     *
     * @return the same factory at every call; a reload swaps the certificate inside it
     */
    public SslContextFactory.Server sslContextFactory() {
        return factory;
    }

    /**
     * Checks the files every {@code every} from now on, and re-reads them when they have changed.
     *
     * @param scheduler the scheduler whose timers run the checks, until it stops
     * @param every     the time between two checks; a change is taken at the second check that sees it
     */
    public void watch(Scheduler scheduler, Duration every) {
        SettledChange.every(scheduler, every, this::reloadIfChanged);
    }

    /**
     * Re-reads the files if their content changed since the last call and has not changed since (so that a key and
     * its certificate written one after the other are taken together); true when a new certificate now serves.
     *
     * @return true when the files were re-read and their certificate now serves new connections
     */
    public boolean reloadIfChanged() {
        byte[][] contents;
        try {
            contents = read();
        } catch (IOException e) {
            if (changes.unreadable()) {
                LOG.warn("TLS certificate files cannot be read ({}); keeping the certificate served",
                        e.getClass().getSimpleName());
            }
            return false;
        }
        if (!changes.settled(contents)) {
            return false;
        }
        try {
            KeyStore next = keyStore(contents);
            factory.reload(f -> f.setKeyStore(next));
            LOG.info("TLS certificate re-read: {}", subject(next));
            return true;
        } catch (Exception e) {
            // not tried again until the files change once more
            LOG.warn("TLS certificate not re-read, keeping the one served: {}", e.getMessage());
            return false;
        }
    }

    private byte[][] read() throws IOException {
        byte[][] contents = new byte[files.size()][];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = Files.readAllBytes(files.get(i));
        }
        return contents;
    }

    private KeyStore keyStore(byte[][] contents) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        if (password != null) {
            store.load(new ByteArrayInputStream(contents[0]), password);
            return store;
        }
        List<X509Certificate> chain = PemFiles.chain(contents[0]);
        PrivateKey key = PemFiles.privateKey(contents[1], chain.get(0));
        if (!PemFiles.matches(key, chain.get(0))) {
            throw new GeneralSecurityException("the private key is not the certificate's: " + files.get(1)
                    + " does not belong to " + files.get(0));
        }
        store.load(null, null);
        store.setKeyEntry("pipe", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
        return store;
    }

    private static String subject(KeyStore store) throws GeneralSecurityException {
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.getCertificate(alias) instanceof X509Certificate certificate) {
                return certificate.getSubjectX500Principal().getName() + ", until " + certificate.getNotAfter();
            }
        }
        return "no certificate";
    }
}
