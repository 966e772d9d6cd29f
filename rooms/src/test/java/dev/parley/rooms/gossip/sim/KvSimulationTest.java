package dev.parley.rooms.gossip.sim;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.proto.GossipEvent;
import dev.parley.rooms.gossip.sim.GossipSimulation.Node;
import dev.parley.rooms.kv.KvConfig;
import dev.parley.rooms.kv.KvEvent;
import dev.parley.rooms.kv.SignedKv;
import dev.parley.rooms.presence.PeerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The signed KV running on the simulated gossip topic: presence of 50 peers, refresh, expiry. */
@Timeout(120)
class KvSimulationTest {
    /** Sim time starts at 0; the KV needs a wall clock in ns. */
    private static final long EPOCH_NS = 1_700_000_000_000_000_000L;

    private final Map<EndpointId, SignedKv> kvs = new HashMap<>();
    private final Map<EndpointId, Set<EndpointId>> seen = new HashMap<>();
    private final Map<EndpointId, Set<EndpointId>> expired = new HashMap<>();

    private GossipSimulation simWithKv(long seed) {
        GossipSimulation sim = GossipSimulationTest.fiftyThroughOneTicket(seed);
        for (Node n : sim.nodes()) {
            SignedKv kv = new SignedKv(n.signer, KvConfig.defaults());
            kvs.put(n.id, kv);
            seen.put(n.id, new HashSet<>());
            expired.put(n.id, new HashSet<>());
            n.onEvent((node, e) -> {
                switch (e) {
                    case GossipEvent.Received r -> apply(sim, node, kv.onGossip(r.content(), ns(sim)));
                    case GossipEvent.NeighborUp u -> apply(sim, node, kv.onNeighborUp());
                    default -> { }
                }
            });
        }
        sim.every(1_000, n -> apply(sim, n, kvs.get(n.id).tick(ns(sim))));
        return sim;
    }

    private static long ns(GossipSimulation sim) {
        return EPOCH_NS + sim.now() * 1_000_000;
    }

    private void apply(GossipSimulation sim, Node n, List<SignedKv.Output> outputs) {
        for (SignedKv.Output o : outputs) {
            switch (o) {
                case SignedKv.Output.Broadcast b -> n.broadcast(b.payload(), b.swarm());
                case SignedKv.Output.Event(KvEvent.Updated u) -> seen.get(n.id).add(u.entry().scope());
                case SignedKv.Output.Event(KvEvent.Expired x) -> expired.get(n.id).add(x.scope());
            }
        }
    }

    private boolean everyoneSeesEveryone(GossipSimulation sim) {
        for (Node n : sim.aliveNodes()) {
            for (Node other : sim.aliveNodes()) {
                if (kvs.get(n.id).get(other.id, PeerState.KEY).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void fiftyPeersSeeEachOthersStateAndIdleMembersDoNotExpire() {
        GossipSimulation sim = simWithKv(11);
        // each peer writes its state as soon as it starts (before convergence, like a real join)
        for (Node n : sim.nodes()) {
            PeerState st = new PeerState(List.of("camera"), Optional.of("peer " + n.id.shortHex()));
            apply(sim, n, kvs.get(n.id).put(PeerState.KEY, st.encode(), ns(sim)));
        }
        assertThat(sim.runUntil(() -> sim.converged() && everyoneSeesEveryone(sim), 30_000)).isTrue();
        long seenAt = sim.now();
        // five idle minutes, far past the 120 s horizon: refreshes keep everyone present
        sim.runFor(300_000);
        assertThat(everyoneSeesEveryone(sim)).isTrue();
        assertThat(expired.values()).allMatch(Set::isEmpty);
        for (SignedKv kv : kvs.values()) {
            assertThat(kv.stats().rejected()).isZero();
            assertThat(kv.entries()).hasSize(50);
        }
        assertThat(seenAt).isLessThan(30_000);
    }

    @Test
    void aCrashedPeersStateExpiresAtEveryoneAfterTheHorizon() {
        GossipSimulation sim = simWithKv(12);
        for (Node n : sim.nodes()) {
            apply(sim, n, kvs.get(n.id).put(PeerState.KEY, PeerState.empty().encode(), ns(sim)));
        }
        assertThat(sim.runUntil(() -> everyoneSeesEveryone(sim), 30_000)).isTrue();
        Node victim = new ArrayList<>(sim.nodes()).get(17);
        sim.kill(victim);
        long t0 = sim.now();
        assertThat(sim.runUntil(() -> sim.aliveNodes().stream().allMatch(n -> expired.get(n.id).contains(victim.id)), 200_000))
                .isTrue();
        long took = sim.now() - t0;
        // expiry comes after the horizon (120 s) minus the entry's age, and no later than horizon + refresh + tick
        assertThat(took).isBetween(85_000L, 152_000L);
        for (Node n : sim.aliveNodes()) {
            assertThat(kvs.get(n.id).get(victim.id, PeerState.KEY)).isEmpty();
            assertThat(expired.get(n.id)).containsExactly(victim.id);
        }
    }
}
