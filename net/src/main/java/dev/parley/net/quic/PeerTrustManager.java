package dev.parley.net.quic;

import dev.parley.net.identity.EndpointId;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Accepts a peer whose single self-signed Ed25519 certificate carries the expected key, or, with no
 * expectation (server side, learning who dialed), any such peer. There is no CA: the key is the identity.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {
    private final EndpointId expected;

    private PeerTrustManager(EndpointId expected) {
        this.expected = expected;
    }

    /** For dialing: only {@code expected} is accepted. */
    static PeerTrustManager pinned(EndpointId expected) {
        return new PeerTrustManager(expected);
    }

    /** For accepting: any Ed25519 peer; its id is read from the session afterwards. */
    static PeerTrustManager anyPeer() {
        return new PeerTrustManager(null);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        EndpointId actual = TlsCredentials.verifyPeer(chain);
        if (expected != null && !expected.equals(actual)) {
            throw new CertificateException("peer is " + actual.shortHex() + ", expected " + expected.shortHex());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
