package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.testing.TestCa;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.quic.EndpointTest.ALPN;
import static dev.parley.net.quic.EndpointTest.echo;
import static dev.parley.net.quic.EndpointTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Endpoint#serveWebPki}: beside its Ed25519 identity, an endpoint serves a CA-signed certificate
 * to clients that check the server's name the standard way ({@link WebPkiClient}: trusts a test CA only,
 * SNI and HTTPS name checks, no client certificate), on the same UDP port.
 */
@Timeout(60)
class WebPkiEndpointTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Endpoint endpoint() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(e);
        return e;
    }

    private WebPkiClient client() {
        WebPkiClient c = new WebPkiClient();
        toClose.add(c);
        return c;
    }

    private static String roundTrip(Connection conn, String text) throws InterruptedException {
        BidiStream s = conn.openBidi();
        s.send().write(text.getBytes(StandardCharsets.UTF_8));
        s.send().finish();
        return new String(readAll(s.recv()), StandardCharsets.UTF_8);
    }

    @Test
    void aWebPkiClientAndAParleyPeerShareOnePort() throws Exception {
        TestCa ca = TestCa.create("Parley test CA");
        TestCa.Issued cert = ca.issue(dir, "relay.test");
        Endpoint server = endpoint();
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        server.register(ALPN, echo(accepted));
        server.serveWebPki(cert.chain().toFile(), cert.key().toFile());
        assertThat(server.servesWebPki()).isTrue();
        InetSocketAddress at = server.localAddress();

        Connection web = client().connect(at, "relay.test", ca.root(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(web.protocol()).isEqualTo(ALPN);
        assertThat(roundTrip(web, "over webpki")).isEqualTo("over webpki");
        Connection anonymous = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(anonymous).isNotNull();
        assertThat(anonymous.remoteId()).as("a WebPKI client has no Ed25519 identity").isEmpty();

        // A Parley peer on the same port still gets (and checks) the Ed25519 identity, and proves its own.
        Endpoint peer = endpoint();
        Connection direct = peer.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(direct.remoteId()).contains(server.id());
        assertThat(roundTrip(direct, "over ed25519")).isEqualTo("over ed25519");
        Connection identified = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(identified).isNotNull();
        assertThat(identified.remoteId()).contains(peer.id());
        web.close();
    }

    @Test
    void wrongNameUntrustedCaAndNoWebPkiAreRefused() throws Exception {
        TestCa ca = TestCa.create("Parley test CA");
        TestCa other = TestCa.create("Another CA");
        TestCa.Issued cert = ca.issue(dir, "relay.test");
        Endpoint server = endpoint();
        server.register(ALPN, echo(new LinkedBlockingQueue<>()));
        InetSocketAddress at = server.localAddress();

        // Without serveWebPki the endpoint only speaks Ed25519 (its self-signed certificate, client certificates required).
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client().connect(at, "relay.test", ca.root(), ALPN).get(10, TimeUnit.SECONDS))
                .as("the Ed25519 self-signed certificate is not one the CA signed").isNotNull();
        System.out.printf("[webpki] refused without serveWebPki after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        server.serveWebPki(cert.chain().toFile(), cert.key().toFile());
        t0 = System.nanoTime();
        assertThatThrownBy(() -> client().connect(at, "elsewhere.test", ca.root(), ALPN).get(10, TimeUnit.SECONDS))
                .as("a certificate for another name").isNotNull();
        System.out.printf("[webpki] wrong name refused after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        t0 = System.nanoTime();
        assertThatThrownBy(() -> client().connect(at, "relay.test", other.root(), ALPN).get(10, TimeUnit.SECONDS))
                .as("a CA the client does not trust").isNotNull();
        System.out.printf("[webpki] untrusted CA refused after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // and the right one still works
        Connection ok = client().connect(at, "relay.test", ca.root(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(roundTrip(ok, "x")).isEqualTo("x");
        ok.close();
    }

    @Test
    void unusableCertificateFilesAreAClearError() throws Exception {
        Endpoint server = endpoint();
        java.nio.file.Files.writeString(dir.resolve("bad.crt"), "not a certificate");
        java.nio.file.Files.writeString(dir.resolve("bad.key"), "not a key");
        assertThatThrownBy(() -> server.serveWebPki(dir.resolve("bad.crt").toFile(), dir.resolve("bad.key").toFile()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad.crt");
        assertThat(server.servesWebPki()).isFalse();
    }
}
