package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContextBuilder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.FileWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code https://} relay URLs: the relay loads a PEM certificate and key; clients trust it explicitly. */
@Timeout(60)
class RelayTlsTest {
    @TempDir
    Path dir;

    private X509Certificate writePem(File certFile, File keyFile) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=parley-relay-test");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), name, kp.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        try (JcaPEMWriter w = new JcaPEMWriter(new FileWriter(certFile, StandardCharsets.UTF_8))) {
            w.writeObject(cert);
        }
        try (JcaPEMWriter w = new JcaPEMWriter(new FileWriter(keyFile, StandardCharsets.UTF_8))) {
            w.writeObject(new JcaPKCS8Generator(kp.getPrivate(), null));
        }
        return cert;
    }

    @Test
    void datagramsFlowOverWss() throws Exception {
        File cert = dir.resolve("relay.crt").toFile();
        File key = dir.resolve("relay.key").toFile();
        X509Certificate x509 = writePem(cert, key);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).tls(cert, key).start()) {
            String url = server.url("127.0.0.1");
            assertThat(url).startsWith("https://127.0.0.1:");
            var trusting = RelayClient.Options.defaults().withTls(SslContextBuilder.forClient().trustManager(x509).build());
            Identity a = Identity.generate();
            Identity b = Identity.generate();
            BlockingQueue<EndpointId> from = new LinkedBlockingQueue<>();
            RelayLink.Listener recorder = (src, d) -> {
                from.add(src);
                d.release();
            };
            try (RelayLink la = RelayClient.connect(url, a, group, (s, d) -> d.release(), trusting);
                 RelayLink lb = RelayClient.connect(url, b, group, recorder, trusting);
                 // the JDK trust store does not know the self-signed certificate: never connects
                 RelayLink untrusting = RelayClient.connect(url, Identity.generate(), group, (s, d) -> d.release())) {
                RelayClientTest.await(() -> la.isConnected() && lb.isConnected(), 10_000, "both connected over TLS");
                ByteBuf one = Unpooled.wrappedBuffer(new byte[1200]);
                assertThat(la.send(b.id(), one)).isTrue();
                assertThat(from.poll(5, TimeUnit.SECONDS)).isEqualTo(a.id());
                assertThat(untrusting.isConnected()).isFalse();
                assertThat(server.metrics().clients()).isEqualTo(2);
            }
            // plain HTTP probes work over TLS too
            var http = HttpClient.newBuilder().sslContext(jdkTrusting(x509)).build();
            var res = http.send(HttpRequest.newBuilder(java.net.URI.create(url + "generate_204")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(res.statusCode()).isEqualTo(204);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aMissingOrBadCertificateIsAClearError(@TempDir Path empty) throws Exception {
        File bogus = empty.resolve("bogus.pem").toFile();
        java.nio.file.Files.writeString(bogus.toPath(), "not a certificate");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayServer.builder().tls(bogus, bogus))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot load TLS certificate");
    }

    private static javax.net.ssl.SSLContext jdkTrusting(X509Certificate cert) throws Exception {
        var ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("relay", cert);
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
