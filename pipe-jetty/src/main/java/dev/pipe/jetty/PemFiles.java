package dev.pipe.jetty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what certbot writes: a certificate chain ({@code fullchain.pem}) and its private key ({@code privkey.pem},
 * PKCS#8, or the older PKCS#1 {@code RSA PRIVATE KEY}), with the JDK alone, and checks that the key is the
 * certificate's. Every failure is one line a person can act on.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private PemFiles() {
    }

    /** The certificates of a PEM chain, the server's first. */
    static List<X509Certificate> chain(byte[] pem) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = factory.generateCertificates(new ByteArrayInputStream(pem)).stream()
                .map(X509Certificate.class::cast).toList();
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate (-----BEGIN CERTIFICATE-----) in the file");
        }
        return chain;
    }

    /** The private key of a PEM file, of the algorithm of {@code certificate}'s public key. */
    static PrivateKey privateKey(byte[] pem, Certificate certificate) throws GeneralSecurityException {
        Matcher block = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (block.find()) {
            String type = block.group(1);
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            String algorithm = certificate.getPublicKey().getAlgorithm();
            switch (type) {
                case "PRIVATE KEY":
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs8(der)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new GeneralSecurityException("the private key is encrypted: decrypt it first "
                            + "(openssl pkcs8 -in KEY -out KEY.plain)");
                case "EC PRIVATE KEY":
                    throw new GeneralSecurityException("an EC key in SEC1 form: convert it to PKCS#8 first "
                            + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
                default:
                    // another block (a certificate, parameters): look further
            }
        }
        throw new GeneralSecurityException("no private key (-----BEGIN PRIVATE KEY-----) in the file");
    }

    /** Signs with {@code key} and verifies with {@code certificate}: false when the key is not the certificate's. */
    static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the algorithm is its own signature
        };
        byte[] challenge = "pipe: is this key the certificate's?".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    /** A PKCS#1 RSA key wrapped as PKCS#8: {@code SEQUENCE {0, {rsaEncryption, NULL}, OCTET STRING pkcs1}}. */
    private static byte[] rsaPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    /** One DER element: its tag, its length (short or long form), its content. */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
