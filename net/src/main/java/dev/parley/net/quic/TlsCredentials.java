package dev.parley.net.quic;

import dev.parley.net.identity.Base32;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The endpoint's TLS identity: a self-signed X.509 certificate over its Ed25519 key, valid for a
 * long span (peers check the key, not the dates), and a key manager that always offers it.
 * Netty maps TLS auth types to "EC"/"RSA" key types, so a stock key manager would never pick an
 * Ed25519 key; this one ignores the requested type.
 */
final class TlsCredentials {
    static final String ALIAS = "parley";

    private final Identity identity;
    private final X509Certificate certificate;

    TlsCredentials(Identity identity) {
        this.identity = identity;
        this.certificate = selfSigned(identity);
    }

    X509Certificate certificate() {
        return certificate;
    }

    X509ExtendedKeyManager keyManager() {
        return new FixedKeyManager(identity.privateKey(), certificate);
    }

    /** A DNS-safe name carrying the id (RFC 4648 base32, lower case), used as SAN and SNI. */
    static String hostName(EndpointId id) {
        return Base32.encodeLower(id.bytes()) + NAME_SUFFIX;
    }

    /** How every endpoint name (the SNI Parley dials with) ends. */
    static final String NAME_SUFFIX = ".parley.invalid";

    private static X509Certificate selfSigned(Identity identity) {
        try {
            X500Name name = new X500Name("CN=" + identity.id().hex());
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new java.security.SecureRandom()).abs(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))),
                    name, identity.publicKey());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, hostName(identity.id()))));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            var signer = new JcaContentSignerBuilder("Ed25519").build(identity.privateKey());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (IOException | OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot create the TLS certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a peer certificate: exactly one, self-signed with Ed25519, and returns the key's
     * EndpointId. Dates are not checked; the key is the identity.
     */
    static EndpointId verifyPeer(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("expected one self-signed certificate, got "
                    + (chain == null ? 0 : chain.length));
        }
        X509Certificate cert = chain[0];
        EndpointId id = Identity.idOf(cert).orElseThrow(
                () -> new CertificateException("peer certificate key is not Ed25519: " + cert.getPublicKey().getAlgorithm()));
        try {
            cert.verify(cert.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("peer certificate is not self-signed by its key: " + e.getMessage(), e);
        }
        return id;
    }

    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        FixedKeyManager(PrivateKey key, X509Certificate cert) {
            this.key = key;
            this.chain = new X509Certificate[] {cert};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }
}
