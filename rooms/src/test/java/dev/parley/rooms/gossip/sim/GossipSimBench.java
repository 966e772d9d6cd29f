package dev.parley.rooms.gossip.sim;

import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.gossip.sim.GossipSimulation.Node;

/**
 * Prints, for 50 peers joining through one ticket: simulated time to converge, wall time, and the
 * redundancy of 50 broadcasts (Gossip payloads received per unique delivery, and messages per
 * delivery). Run: {@code java -cp <test classpath> dev.parley.rooms.gossip.sim.GossipSimBench [seeds]}.
 */
public final class GossipSimBench {
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("seed  converge_sim_ms  converge_wall_ms  msgs_to_converge  hello_sim_ms  payload_redundancy  msgs_per_delivery  (second wave, tree settled: same three)");
        for (long seed = 1; seed <= seeds; seed++) {
            long wall0 = System.nanoTime();
            GossipSimulation sim = GossipSimulationTest.fiftyThroughOneTicket(seed);
            if (!sim.runUntil(sim::converged, 120_000)) {
                System.out.printf("%4d  did not converge%n", seed);
                continue;
            }
            long convergeMs = sim.now();
            long wallMs = (System.nanoTime() - wall0) / 1_000_000;
            long convergeMsgs = sim.messagesSent();
            sim.runFor(5_000);
            double[] wave1 = wave(sim, 1);
            double[] wave2 = wave(sim, 2);
            double[] single = singleSource(sim);
            System.out.printf("%4d  %15d  %16d  %16d  %12.0f  %18.2f  %17.2f  %12.0f  %18.2f  %17.2f%n", seed, convergeMs, wallMs,
                    convergeMsgs, wave1[0], wave1[1], wave1[2], wave2[0], wave2[1], wave2[2]);
            System.out.printf("      one source, 20 messages 200 ms apart: payload_redundancy %.2f  msgs_per_delivery %.2f  max_delivery_ms %.0f%n",
                    single[0], single[1], single[2]);
        }
    }

    /** One peer broadcasts 20 messages 200 ms apart (chat-like); returns {payloads/delivery, messages/delivery, slowest ms}. */
    private static double[] singleSource(GossipSimulation sim) {
        long received0 = 0;
        long delivered0 = 0;
        for (Node n : sim.nodes()) {
            received0 += n.state.stats().gossipReceived();
            delivered0 += n.state.stats().delivered();
        }
        long msgs0 = sim.messagesSent();
        Node source = sim.nodes().iterator().next();
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            byte[] content = ("single " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long t0 = sim.now();
            source.broadcast(content, true);
            sim.runUntil(() -> sim.nodes().stream().filter(n -> n != source)
                    .allMatch(n -> n.received().stream().anyMatch(b -> java.util.Arrays.equals(b, content))), 5_000);
            slowest = Math.max(slowest, sim.now() - t0);
            sim.runFor(200);
        }
        long received = -received0;
        long delivered = -delivered0;
        for (Node n : sim.nodes()) {
            received += n.state.stats().gossipReceived();
            delivered += n.state.stats().delivered();
        }
        return new double[] {(double) received / delivered, (double) (sim.messagesSent() - msgs0) / delivered, slowest};
    }

    /** Everyone broadcasts once; returns {sim ms until all heard all, payloads per delivery, messages per delivery}. */
    private static double[] wave(GossipSimulation sim, int wave) {
        long received0 = 0;
        long delivered0 = 0;
        for (Node n : sim.nodes()) {
            received0 += n.state.stats().gossipReceived();
            delivered0 += n.state.stats().delivered();
        }
        long msgs0 = sim.messagesSent();
        long t0 = sim.now();
        GossipSimulationTest.everyoneSaysHello(sim, wave);
        sim.runUntil(() -> GossipSimulationTest.allHeardFromAll(sim, wave), 10_000);
        long ms = sim.now() - t0;
        sim.runFor(200); // IHaves and prunes settle; no shuffle falls in this window by construction
        long received = -received0;
        long delivered = -delivered0;
        for (Node n : sim.nodes()) {
            received += n.state.stats().gossipReceived();
            delivered += n.state.stats().delivered();
        }
        long msgs = sim.messagesSent() - msgs0;
        sim.runFor(5_000);
        return new double[] {ms, (double) received / delivered, (double) msgs / delivered};
    }
}
