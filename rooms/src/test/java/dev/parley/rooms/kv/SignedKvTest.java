package dev.parley.rooms.kv;

import dev.parley.net.identity.Identity;
import dev.parley.net.postcard.PostcardWriter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignedKvTest {
    private static final long NOW = 1_700_000_000_000_000_000L;
    private static final long SEC = 1_000_000_000L;
    private static final byte[] S = {'s'};

    private final EntrySigner alice = signer(seed(1));
    private final EntrySigner bob = signer(seed(2));
    private final EntrySigner mallory = signer(seed(3));
    private final SignedKv kv = new SignedKv(bob, KvConfig.defaults());

    private static EntrySigner signer(byte[] seed) {
        return EntrySigner.of(Identity.fromSecret(seed));
    }

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }

    private static List<KvEvent> events(List<SignedKv.Output> out) {
        return out.stream().filter(o -> o instanceof SignedKv.Output.Event)
                .map(o -> ((SignedKv.Output.Event) o).event()).toList();
    }

    @Test
    void wireLayoutIsSmolKvAndTheSignatureCoversKeyTimestampValue() {
        SignedEntry e = SignedEntry.sign(alice, S, 300, new byte[] {7});
        String hex = HexFormat.of().formatHex(e.encode());
        assertThat(hex).startsWith("00" + alice.id().hex() + "0173" + "ac02" + "0107");
        assertThat(e.encode()).hasSize(1 + 32 + 2 + 2 + 2 + 64);
        byte[] signed = new PostcardWriter().bytes(S).varint(300).bytes(new byte[] {7}).toByteArray();
        assertThat(Identity.verify(alice.id(), signed, e.signature())).isTrue();
        assertThat(SignedEntry.decode(e.encode())).isEqualTo(e);
    }

    @Test
    void aValidEntryIsAcceptedAndTheNewestWins() {
        SignedEntry v1 = SignedEntry.sign(alice, S, NOW, new byte[] {1});
        SignedEntry v2 = SignedEntry.sign(alice, S, NOW + 1, new byte[] {2});
        assertThat(events(kv.onGossip(v2.encode(), NOW))).hasSize(1);
        assertThat(kv.onGossip(v1.encode(), NOW)).isEmpty();
        assertThat(kv.onGossip(v2.encode(), NOW)).isEmpty();
        assertThat(kv.get(alice.id(), S).orElseThrow().value()).containsExactly(2);
        assertThat(kv.stats().accepted()).isEqualTo(1);
        assertThat(kv.stats().outdated()).isEqualTo(2);
        assertThat(kv.stats().rejected()).isZero();
    }

    @Test
    void forgedUnsignedOversizedStaleAndMalformedEntriesAreDroppedAndCounted() {
        // mallory signs a value and claims it is alice's
        SignedEntry real = SignedEntry.sign(mallory, S, NOW, new byte[] {6});
        SignedEntry forged = new SignedEntry(alice.id(), S, NOW, real.value(), real.signature());
        kv.onGossip(forged.encode(), NOW);
        // a correct signature over a different value
        SignedEntry genuine = SignedEntry.sign(alice, S, NOW, new byte[] {1});
        kv.onGossip(new SignedEntry(alice.id(), S, NOW, new byte[] {2}, genuine.signature()).encode(), NOW);
        assertThat(kv.stats().forged()).isEqualTo(2);

        kv.onGossip(new SignedEntry(alice.id(), S, NOW, new byte[] {1}, new byte[64]).encode(), NOW);
        assertThat(kv.stats().unsigned()).isEqualTo(1);

        kv.onGossip(SignedEntry.sign(alice, S, NOW, new byte[1025]).encode(), NOW);
        kv.onGossip(SignedEntry.sign(alice, new byte[65], NOW, new byte[1]).encode(), NOW);
        assertThat(kv.stats().oversized()).isEqualTo(2);

        kv.onGossip(SignedEntry.sign(alice, S, NOW - 121 * SEC, new byte[1]).encode(), NOW);
        kv.onGossip(SignedEntry.sign(alice, S, NOW + 121 * SEC, new byte[1]).encode(), NOW);
        assertThat(kv.stats().stale()).isEqualTo(2);

        byte[] ok = genuine.encode();
        kv.onGossip(Arrays.copyOf(ok, ok.length - 1), NOW);
        kv.onGossip(Arrays.copyOf(ok, ok.length + 1), NOW);
        kv.onGossip(new byte[] {1, 2, 3}, NOW);
        assertThat(kv.stats().malformed()).isEqualTo(3);

        // an entry in our own scope that we did not write is a forgery too
        kv.put(S, new byte[] {1}, NOW);
        kv.onGossip(SignedEntry.sign(bob, S, NOW + 5 * SEC, new byte[] {9}).encode(), NOW);
        assertThat(kv.stats().forged()).isEqualTo(3);

        assertThat(kv.entries()).extracting(SignedEntry::scope).containsExactly(bob.id());
        assertThat(kv.stats().rejected()).isEqualTo(11);
        // and the store still works
        assertThat(events(kv.onGossip(genuine.encode(), NOW))).hasSize(1);
    }

    @Test
    void ownEntriesAreRefreshedWellBeforeTheHorizonAndOthersExpire() {
        kv.put(S, new byte[] {1}, NOW);
        kv.onGossip(SignedEntry.sign(alice, S, NOW, new byte[] {1}).encode(), NOW);
        kv.tick(NOW); // arms the timers
        long refreshes = 0;
        List<KvEvent> expiries = new java.util.ArrayList<>();
        for (long t = 1; t <= 200; t++) {
            for (SignedKv.Output o : kv.tick(NOW + t * SEC)) {
                if (o instanceof SignedKv.Output.Broadcast b && b.swarm()) {
                    refreshes++;
                    assertThat(SignedEntry.decode(b.payload()).scope()).isEqualTo(bob.id());
                }
                if (o instanceof SignedKv.Output.Event(KvEvent.Expired x)) {
                    expiries.add(x);
                    assertThat(t).isBetween(120L, 121L);
                }
            }
        }
        assertThat(refreshes).isEqualTo(6); // every 30 s over 200 s
        assertThat(expiries).hasSize(1);
        assertThat(kv.get(bob.id(), S)).isPresent();
        assertThat(kv.get(alice.id(), S)).isEmpty();
        assertThat(kv.get(bob.id(), S).orElseThrow().timestampNs()).isGreaterThan(NOW + 170 * SEC);
    }

    @Test
    void antiEntropySendsEverythingToNeighboursOnly() {
        kv.put(S, new byte[] {1}, NOW);
        kv.onGossip(SignedEntry.sign(alice, S, NOW, new byte[] {1}).encode(), NOW);
        List<SignedKv.Output> out = kv.onNeighborUp();
        assertThat(out).hasSize(2).allMatch(o -> o instanceof SignedKv.Output.Broadcast b && !b.swarm());
    }

    @Test
    void localWritesAreBoundedAndTimestampsStrictlyIncrease() {
        assertThatThrownBy(() -> kv.put(S, new byte[1025], NOW)).isInstanceOf(IllegalArgumentException.class);
        kv.put(S, new byte[] {1}, NOW);
        kv.put(S, new byte[] {2}, NOW);
        assertThat(kv.get(bob.id(), S).orElseThrow().timestampNs()).isEqualTo(NOW + 1);
    }

    @Test
    void theScopeAndKeyTablesAreBounded() {
        SignedKv small = new SignedKv(bob, new KvConfig(120 * SEC, 30 * SEC, 60 * SEC, 64, 1024, 2, 2));
        small.onGossip(SignedEntry.sign(alice, new byte[] {1}, NOW, new byte[1]).encode(), NOW);
        small.onGossip(SignedEntry.sign(alice, new byte[] {2}, NOW, new byte[1]).encode(), NOW);
        small.onGossip(SignedEntry.sign(alice, new byte[] {3}, NOW, new byte[1]).encode(), NOW);
        small.onGossip(SignedEntry.sign(mallory, new byte[] {1}, NOW, new byte[1]).encode(), NOW);
        small.onGossip(SignedEntry.sign(signer(seed(4)), new byte[] {1}, NOW, new byte[1]).encode(), NOW);
        assertThat(small.entries()).hasSize(3);
        assertThat(small.stats().overCapacity()).isEqualTo(2);
    }

    @Test
    void refreshOwnResignsOnlyOwnEntriesForTheWholeSwarm() {
        kv.put(S, new byte[] {1}, NOW);
        kv.onGossip(SignedEntry.sign(alice, S, NOW, new byte[] {1}).encode(), NOW);
        List<SignedKv.Output> out = kv.refreshOwn(NOW + SEC);
        List<SignedEntry> sent = out.stream().filter(o -> o instanceof SignedKv.Output.Broadcast b && b.swarm())
                .map(o -> SignedEntry.decode(((SignedKv.Output.Broadcast) o).payload())).toList();
        assertThat(sent).singleElement().satisfies(e -> {
            assertThat(e.scope()).isEqualTo(bob.id());
            assertThat(e.timestampNs()).isEqualTo(NOW + SEC);
            assertThat(e.verify()).isTrue();
        });
    }
}
