package dev.parley.rooms.kv;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;
import dev.parley.rooms.gossip.wire.Ids;

import java.util.Arrays;

/**
 * One signed value in a peer's scope, as iroh-smol-kv gossips it: postcard
 * {@code GossipMessage::SignedValue(scope, key, SignedValue{timestamp, value, signature})}, that is
 * {@code 00 ‖ scope[32] ‖ key ‖ varint(ts) ‖ value ‖ sig[64]}. The signature covers
 * {@code postcard(key, timestamp, value)} and must verify under the scope's key.
 *
 * @param scope       the writer, whose key signs
 * @param key         entry key (for example {@code "s"} for peer state)
 * @param timestampNs nanoseconds since the Unix epoch; a strictly newer one wins
 * @param value       opaque value bytes
 * @param signature   64-byte Ed25519 signature
 */
public record SignedEntry(EndpointId scope, byte[] key, long timestampNs, byte[] value, byte[] signature) {

    /** Signs {@code key = value} at {@code timestampNs} in the signer's own scope. */
    public static SignedEntry sign(EntrySigner signer, byte[] key, long timestampNs, byte[] value) {
        return new SignedEntry(signer.id(), key.clone(), timestampNs, value.clone(),
                signer.sign(signingData(key, timestampNs, value)));
    }

    static byte[] signingData(byte[] key, long timestampNs, byte[] value) {
        return new PostcardWriter().bytes(key).varint(timestampNs).bytes(value).toByteArray();
    }

    /** True when the signature is a valid Ed25519 signature by {@link #scope()}. */
    public boolean verify() {
        return Identity.verify(scope, signingData(key, timestampNs, value), signature);
    }

    /** An all-zero signature: the entry was never signed. */
    public boolean unsigned() {
        for (byte b : signature) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    public byte[] encode() {
        PostcardWriter w = new PostcardWriter().u8(0);
        Ids.writeEndpoint(w, scope);
        return w.bytes(key).varint(timestampNs).bytes(value).raw(signature).toByteArray();
    }

    /** Decodes a gossip payload; throws {@link PostcardException} for anything malformed. */
    public static SignedEntry decode(byte[] payload) {
        PostcardReader r = new PostcardReader(payload);
        int tag = r.varint(0, "kv message variant");
        assert tag == 0;
        EndpointId scope = Ids.readEndpoint(r);
        byte[] key = r.bytes();
        long ts = r.varint();
        if (ts < 0) {
            throw new PostcardException("timestamp beyond 2262");
        }
        byte[] value = r.bytes();
        byte[] sig = r.raw(Identity.SIGNATURE_LENGTH);
        r.expectEnd();
        return new SignedEntry(scope, key, ts, value, sig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedEntry e && scope.equals(e.scope) && Arrays.equals(key, e.key)
                && timestampNs == e.timestampNs && Arrays.equals(value, e.value) && Arrays.equals(signature, e.signature);
    }

    @Override
    public int hashCode() {
        return scope.hashCode() * 31 + Arrays.hashCode(key) * 17 + Long.hashCode(timestampNs);
    }

    @Override
    public String toString() {
        return "SignedEntry[" + scope.shortHex() + "/" + new String(key, java.nio.charset.StandardCharsets.UTF_8)
                + " @" + timestampNs + ", " + value.length + " bytes]";
    }
}
