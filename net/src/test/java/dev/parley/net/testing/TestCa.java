package dev.parley.net.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A throw-away certificate authority for WebPKI tests: a P-256 root, and server certificates it signs
 * for DNS names and IP addresses, written as PEM files (chain leaf first, PKCS#8 key) as a relay's
 * {@code --tls-cert}/{@code --tls-key} take them. Clients trust {@link #root()} only.
 */
public final class TestCa {
    private final KeyPair keys;
    private final X509Certificate root;

    private TestCa(KeyPair keys, X509Certificate root) {
        this.keys = keys;
        this.root = root;
    }

    public static TestCa create(String name) throws Exception {
        KeyPair kp = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCa(kp, sign(b, kp));
    }

    public X509Certificate root() {
        return root;
    }

    /** A server certificate for {@code names} (DNS names, or IP literals), signed by this CA. */
    public Issued issue(Path dir, String... names) throws Exception {
        KeyPair kp = ecKeys();
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(new X500Name(root.getSubjectX500Principal().getName()), serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=" + names[0]), kp.getPublic());
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.matches("[0-9.]+") || n.contains(":");
            sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate leaf = sign(b, keys);
        Files.createDirectories(dir);
        Path cert = dir.resolve(names[0] + ".crt");
        Path key = dir.resolve(names[0] + ".key");
        Files.writeString(cert, pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", root.getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, pem("CERTIFICATE", root.getEncoded()));
        return new Issued(leaf, cert, key, ca);
    }

    /** Files of an issued certificate: {@code chain} (leaf, root), its {@code key}, and the root alone. */
    public record Issued(X509Certificate leaf, Path chain, Path key, Path root) {}

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(63, new SecureRandom());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
