package dev.parley.net.identity;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityTest {

    @Test
    void secretRoundTripsThroughRawBytesAndHex() {
        Identity a = Identity.generate();
        Identity b = Identity.fromSecret(a.secretBytes());
        Identity c = Identity.fromHex(a.secretHex());
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(c.id()).isEqualTo(a.id());
        assertThat(a.secretBytes()).hasSize(32);
        assertThat(a.toString()).doesNotContain(a.secretHex());
    }

    @Test
    void knownSeedGivesTheRfc8032PublicKey() {
        // RFC 8032 section 7.1, TEST 1.
        Identity id = Identity.fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        assertThat(id.id().hex()).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(HexFormat.of().formatHex(id.sign(new byte[0]))).isEqualTo(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void privateKeyIsPkcs8Version1ForTheNativeTlsStack() throws Exception {
        byte[] encoded = Identity.generate().privateKey().getEncoded();
        // v1: SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING } = 48 bytes; v2 (with public key) is 83.
        assertThat(encoded).hasSize(48);
        assertThat(encoded[4]).isEqualTo((byte) 0x00);
        assertThat(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(encoded))).isNotNull();
    }

    @Test
    void signAndVerify() {
        Identity signer = Identity.generate();
        byte[] msg = "gossip entry".getBytes(StandardCharsets.UTF_8);
        byte[] sig = signer.sign(msg);
        assertThat(sig).hasSize(64);
        assertThat(Identity.verify(signer.id(), msg, sig)).isTrue();
        assertThat(Identity.verify(Identity.generate().id(), msg, sig)).isFalse();
        msg[0] ^= 1;
        assertThat(Identity.verify(signer.id(), msg, sig)).isFalse();
        assertThat(Identity.verify(signer.id(), msg, new byte[3])).isFalse();
    }

    @Test
    void badSecretsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> Identity.fromSecret(new byte[31])).hasMessageContaining("32 bytes, got 31");
        assertThatThrownBy(() -> Identity.fromHex("abc")).hasMessageContaining("64 hex characters");
        assertThatThrownBy(() -> Identity.fromHex("zz".repeat(32))).hasMessageContaining("hex");
    }

    @Test
    void idOfPublicKey() {
        Identity a = Identity.generate();
        assertThat(Identity.idOf(a.publicKey())).contains(a.id());
    }
}
