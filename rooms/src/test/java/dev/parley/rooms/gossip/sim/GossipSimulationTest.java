package dev.parley.rooms.gossip.sim;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.gossip.sim.GossipSimulation.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class GossipSimulationTest {
    private static final GossipConfig CFG = GossipConfig.defaults().withShuffleInterval(2_000);

    static GossipSimulation fiftyThroughOneTicket(long seed) {
        GossipSimulation sim = new GossipSimulation(CFG, seed, 5, 40);
        Node first = sim.addNode();
        sim.join(first, List.of(), 0);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 1; i < 50; i++) {
            sim.join(sim.addNode(), List.of(first.id), r.nextLong(200));
        }
        return sim;
    }

    static boolean allHeardFromAll(GossipSimulation sim) {
        return allHeardFromAll(sim, 0);
    }

    static boolean allHeardFromAll(GossipSimulation sim, int wave) {
        for (Node n : sim.aliveNodes()) {
            Set<String> heard = new HashSet<>();
            for (byte[] b : n.received()) {
                heard.add(new String(b, StandardCharsets.UTF_8));
            }
            for (Node other : sim.aliveNodes()) {
                if (other != n && !heard.contains("hello " + other.id + " " + wave)) {
                    return false;
                }
            }
        }
        return true;
    }

    static void everyoneSaysHello(GossipSimulation sim) {
        everyoneSaysHello(sim, 0);
    }

    static void everyoneSaysHello(GossipSimulation sim, int wave) {
        for (Node n : sim.aliveNodes()) {
            n.received().clear();
        }
        for (Node n : sim.aliveNodes()) {
            n.broadcast(("hello " + n.id + " " + wave).getBytes(StandardCharsets.UTF_8), true);
        }
    }

    @Test
    void fiftyPeersJoiningThroughOneTicketConvergeAndEveryBroadcastReachesEveryone() {
        GossipSimulation sim = fiftyThroughOneTicket(1);
        assertThat(sim.runUntil(sim::converged, 60_000)).as("converged within 60 simulated seconds").isTrue();
        for (Node n : sim.nodes()) {
            assertThat(n.state.activeView()).hasSizeBetween(1, CFG.activeCapacity());
            assertThat(n.state.passiveView().size()).isLessThanOrEqualTo(CFG.passiveCapacity());
            assertThat(n.state.passiveView()).doesNotContain(n.id).doesNotContainAnyElementsOf(n.state.activeView());
        }
        everyoneSaysHello(sim);
        assertThat(sim.runUntil(() -> allHeardFromAll(sim), 10_000)).isTrue();
        // exactly-once delivery to the application: 49 hellos each, no repeated copies surfaced
        for (Node n : sim.nodes()) {
            assertThat(n.received()).hasSize(49);
        }
    }

    @Test
    void crashedNeighboursAreReplacedFromThePassiveViewAndBroadcastsStillReachEveryone() {
        GossipSimulation sim = fiftyThroughOneTicket(2);
        assertThat(sim.runUntil(sim::converged, 60_000)).isTrue();
        sim.runFor(10_000); // let shuffles fill passive views
        List<Node> all = new ArrayList<>(sim.nodes());
        for (int i = 0; i < 50; i += 5) {
            sim.kill(all.get(i));
        }
        assertThat(sim.aliveNodes()).hasSize(40);
        assertThat(sim.runUntil(sim::converged, 30_000)).as("re-converged after 10 crashes").isTrue();
        for (Node n : sim.aliveNodes()) {
            for (EndpointId p : n.state.activeView()) {
                assertThat(sim.node(p).alive()).isTrue();
            }
        }
        everyoneSaysHello(sim);
        assertThat(sim.runUntil(() -> allHeardFromAll(sim), 10_000)).isTrue();
    }

    @Test
    void aCleanLeaveIsSeenByNeighboursWithinOneLinkLatency() {
        GossipSimulation sim = fiftyThroughOneTicket(3);
        assertThat(sim.runUntil(sim::converged, 60_000)).isTrue();
        Node leaver = sim.nodes().stream().skip(7).findFirst().orElseThrow();
        List<Node> neighbours = leaver.state.activeView().stream().map(sim::node).toList();
        long t0 = sim.now();
        sim.leave(leaver);
        assertThat(sim.runUntil(() -> neighbours.stream().noneMatch(n -> n.state.activeView().contains(leaver.id)), 1_000))
                .isTrue();
        assertThat(sim.now() - t0).isLessThanOrEqualTo(40);
        assertThat(sim.runUntil(sim::converged, 10_000)).isTrue();
    }

    @Test
    void aJoinIsRetriedUntilTheBootstrapPeerIsUp() {
        GossipSimulation sim = new GossipSimulation(CFG, 4, 5, 20);
        Node boot = sim.addNode();
        Node joiner = sim.addNode();
        sim.setOnline(boot, false);
        sim.join(joiner, List.of(boot.id), 0);
        sim.runFor(3_000);
        assertThat(joiner.state.activeView()).isEmpty();
        sim.setOnline(boot, true);
        sim.join(boot, List.of(), 0);
        assertThat(sim.runUntil(() -> joiner.state.activeView().contains(boot.id), 10_000)).isTrue();
        assertThat(boot.state.activeView()).containsExactly(joiner.id);
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        GossipSimulation a = fiftyThroughOneTicket(9);
        GossipSimulation b = fiftyThroughOneTicket(9);
        a.runFor(5_000);
        b.runFor(5_000);
        assertThat(a.messagesSent()).isEqualTo(b.messagesSent());
        assertThat(a.bytesSent()).isEqualTo(b.bytesSent());
        List<Set<EndpointId>> va = a.nodes().stream().map(n -> n.state.activeView()).toList();
        List<Set<EndpointId>> vb = b.nodes().stream().map(n -> n.state.activeView()).toList();
        assertThat(va).isEqualTo(vb);
    }
}
