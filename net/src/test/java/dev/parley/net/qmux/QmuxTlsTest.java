package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.TransportException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.qmux.QmuxTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code wss://} with a self-signed ECDSA P-256 certificate generated here, trusted explicitly by the client. */
@Timeout(60)
class QmuxTlsTest {

    record SelfSigned(KeyPair keys, X509Certificate cert) {}

    static SelfSigned selfSigned() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=parley-test");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(10))), name, kp.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        return new SelfSigned(kp, cert);
    }

    @Test
    void wssWithTrustedSelfSignedCertificate() throws Exception {
        SelfSigned id = selfSigned();
        SslContext serverTls = SslContextBuilder.forServer(id.keys().getPrivate(), id.cert()).build();
        LinkedBlockingQueue<QmuxConnection> accepted = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), Optional.of(serverTls),
                QmuxConfig.defaults(), accepted::add);
             QmuxClient client = new QmuxClient()) {
            URI url = URI.create("wss://127.0.0.1:" + server.port() + "/secure");
            SslContext trusting = SslContextBuilder.forClient().trustManager(id.cert()).build();
            QmuxConnection c = client.connect(url, Optional.of(trusting));
            QmuxConnection s = accepted.poll(10, TimeUnit.SECONDS);
            assertThat(s).isNotNull();
            assertThat(s.path()).isEqualTo("/secure");
            Thread.ofVirtual().start(() -> {
                try {
                    BidiStream b = s.acceptBidi();
                    b.send().write(readAll(b.recv()));
                    b.send().flush();
                    b.send().finish();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            BidiStream b = c.openBidi();
            byte[] data = new byte[100_000];
            new java.util.Random(5).nextBytes(data);
            b.send().write(data);
            b.send().flush();
            b.send().finish();
            assertThat(readAll(b.recv())).isEqualTo(data);
            c.close();

            // Without trusting the certificate (default JDK trust store) the handshake fails cleanly.
            assertThatThrownBy(() -> client.connect(url, Optional.empty())).isInstanceOf(TransportException.class);
        }
    }
}
