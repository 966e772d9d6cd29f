package dev.parley.net.path;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path selection by deterministic simulation: a virtual clock, a peer whose candidate addresses answer
 * Pings after a fixed RTT (or never), and the endpoint's 250 ms tick driving {@link PeerPaths}.
 */
class PeerPathsSimulationTest {
    private static final long MS = 1_000_000L;
    private static final String RELAY = "http://198.18.0.9:3340";
    static final InetSocketAddress LAN = new InetSocketAddress("10.77.1.3", 4000);
    static final InetSocketAddress PUB = new InetSocketAddress("198.18.3.2", 4000);
    static final InetSocketAddress V6 = new InetSocketAddress("2001:db8::3", 4000);

    /** The simulated network and clock. */
    static final class Sim {
        final PeerPaths paths = new PeerPaths(PathPolicy.DEFAULT);
        final Map<InetSocketAddress, Long> rttMs = new HashMap<>(); // reachable addresses
        final PriorityQueue<long[]> pongs = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        final List<InetSocketAddress> pongAddr = new ArrayList<>();
        long now = 1_000 * MS;
        int pingsSent;
        int callMeMaybes;
        boolean traffic = true;
        final List<String> timeline = new ArrayList<>();

        Sim(boolean relay, InetSocketAddress... candidates) {
            if (relay) {
                paths.relayUrl(RELAY);
            }
            for (InetSocketAddress c : candidates) {
                paths.addCandidate(c);
            }
        }

        void send(List<InetSocketAddress> to) {
            for (InetSocketAddress a : to) {
                pingsSent++;
                Long rtt = rttMs.get(a);
                if (rtt != null) {
                    pongAddr.add(a);
                    pongs.add(new long[] {now + rtt * MS, now, pongAddr.size() - 1});
                }
            }
        }

        void dial() {
            paths.activity(now);
            send(paths.pingsDue(now, true));
            if (paths.callMeMaybeDue(now, true)) {
                callMeMaybes++;
            }
        }

        /** Runs the 250 ms tick for {@code ms}, delivering pongs on time. */
        void run(long ms) {
            long end = now + ms * MS;
            while (now < end) {
                long next = now + 250 * MS;
                while (!pongs.isEmpty() && pongs.peek()[0] <= next) {
                    long[] p = pongs.poll();
                    now = Math.max(now, p[0]);
                    if (paths.ponged(pongAddr.get((int) p[2]), p[0] - p[1], now)) {
                        timeline.add((now / MS) + " ms: " + paths.direct(now));
                    }
                }
                now = next;
                if (traffic) {
                    paths.activity(now);
                }
                send(paths.pingsDue(now, false));
                if (paths.callMeMaybeDue(now, false)) {
                    callMeMaybes++;
                }
            }
        }
    }

    @Test
    void aReachableCandidateBecomesTheDirectPathWithinOneRoundTripAndStaysWhileActive() {
        Sim sim = new Sim(true, LAN);
        sim.rttMs.put(LAN, 2L);
        PeerPaths.Plan before = sim.paths.plan(sim.now, true);
        assertThat(before.viaRelay()).isTrue();
        sim.dial();
        PeerPaths.Plan starting = sim.paths.plan(sim.now, true);
        assertThat(starting.direct()).as("blind to the candidate while the dial starts").containsExactly(LAN);
        assertThat(starting.viaRelay()).isTrue();
        sim.run(10);
        assertThat(sim.paths.plan(sim.now, true)).isEqualTo(new PeerPaths.Plan(List.of(LAN), null));
        // two minutes of traffic: trust never lapses (heartbeats), pings stay few
        int pingsBefore = sim.pingsSent;
        for (int i = 0; i < 480; i++) {
            sim.run(250);
            assertThat(sim.paths.direct(sim.now)).as("at %d ms", sim.now / MS).isEqualTo(LAN);
        }
        int perMinute = (sim.pingsSent - pingsBefore) / 2;
        assertThat(perMinute).as("heartbeat pings per minute").isBetween(10, 30);
        assertThat(sim.paths.changes()).isEqualTo(1);
    }

    @Test
    void anIdleSessionStopsPingingAndItsTrustRunsOutToTheRelay() {
        Sim sim = new Sim(true, LAN);
        sim.rttMs.put(LAN, 2L);
        sim.dial();
        sim.run(1000);
        assertThat(sim.paths.direct(sim.now)).isEqualTo(LAN);
        sim.traffic = false;
        sim.run(60_000);
        int pings = sim.pingsSent;
        sim.run(60_000);
        assertThat(sim.pingsSent).as("no pings once the session is idle").isEqualTo(pings);
        assertThat(sim.paths.direct(sim.now)).isNull();
        assertThat(sim.paths.plan(sim.now, true).viaRelay()).isTrue();
    }

    @Test
    void underASymmetricNatNothingAnswersTheCallStaysRelayedAndRetriesStayBounded() {
        Sim sim = new Sim(true, PUB, LAN);
        sim.dial();
        sim.run(2500);
        PeerPaths.Plan plan = sim.paths.plan(sim.now, true);
        assertThat(plan.direct()).as("blind sends end after the start window").isEmpty();
        assertThat(plan.viaRelay()).isTrue();
        int pings = sim.pingsSent;
        int cmm = sim.callMeMaybes;
        sim.run(60_000);
        assertThat(sim.paths.direct(sim.now)).isNull();
        // every 5 s: one ping per candidate and one CallMeMaybe
        assertThat(sim.pingsSent - pings).isBetween(20, 26);
        assertThat(sim.callMeMaybes - cmm).isBetween(10, 13);
    }

    @Test
    void aSlowerDirectPathIsReplacedOnlyByOneAtLeastFiveMillisecondsFaster() {
        Sim sim = new Sim(true, PUB, LAN);
        sim.rttMs.put(PUB, 20L);
        sim.rttMs.put(LAN, 17L);
        sim.dial();
        sim.run(100);
        assertThat(sim.paths.direct(sim.now)).as("the first pong wins: %s", sim.timeline).isEqualTo(LAN);
        // LAN gets worse: 17 -> 40 ms; PUB (20 ms) is ≥ 5 ms better only once LAN's smoothed RTT passes 25
        sim.rttMs.put(LAN, 40L);
        sim.run(70_000); // heartbeats on LAN, an upgrade probe measures PUB
        assertThat(sim.paths.direct(sim.now)).as("timeline %s", sim.timeline).isEqualTo(PUB);

        Sim close = new Sim(true, PUB, LAN);
        close.rttMs.put(LAN, 20L);
        close.rttMs.put(PUB, 17L);
        close.dial();
        close.run(100);
        assertThat(close.paths.direct(close.now)).as("17 ms answered first").isEqualTo(PUB);
        close.rttMs.put(PUB, 19L);
        close.run(70_000);
        assertThat(close.paths.direct(close.now)).as("1 ms better is no reason to switch: %s", close.timeline)
                .isEqualTo(PUB);
        assertThat(close.paths.changes()).isEqualTo(1);
    }

    @Test
    void whenThePeerMovesToAnotherAddressItsNewPathTakesOverWithinHalfASecond() {
        InetSocketAddress moved = new InetSocketAddress("198.18.3.2", 4100); // its NAT's new mapping
        PeerPaths p = new PeerPaths(PathPolicy.DEFAULT);
        long now = 0;
        p.ponged(PUB, 10 * MS, now);
        for (; now < 2_000 * MS; now += 20 * MS) { // media from the peer on PUB
            p.activity(now);
            p.heardFrom(PUB, now);
        }
        assertThat(p.direct(now)).isEqualTo(PUB);
        long move = now;
        // the peer's address changed: its Ping (and then its QUIC packets) come from the new mapping, and our
        // ping back proves it, slower than PUB was; PUB stays trusted (its last Pong is 2 s old) but silent
        InetSocketAddress switched = null;
        for (; now < move + 2_000 * MS; now += 20 * MS) {
            p.activity(now);
            p.heardFrom(moved, now);
            if (now == move + 40 * MS) {
                p.ponged(moved, 30 * MS, now);
            }
            if (switched == null && moved.equals(p.direct(now))) {
                switched = moved;
                assertThat((now - move) / MS).as("switched after the old path was quiet for half a second")
                        .isBetween(500L, 560L);
            }
        }
        assertThat(switched).as("the new address took over though it is 20 ms slower").isEqualTo(moved);
        assertThat(p.changes()).isEqualTo(2);
    }

    @Test
    void anUpgradeProbesAnswerDoesNotMoveTheCallOffThePathThePeerSendsOn() {
        Sim sim = new Sim(true, PUB, LAN);
        sim.rttMs.put(LAN, 20L);
        sim.rttMs.put(PUB, 18L);
        sim.dial();
        sim.run(100);
        assertThat(sim.paths.direct(sim.now)).isEqualTo(PUB);
        for (int i = 0; i < 300; i++) { // 75 s of media on PUB; upgrade probes answer from LAN now and then
            sim.paths.heardFrom(PUB, sim.now);
            sim.run(250);
            assertThat(sim.paths.direct(sim.now)).as("at %d ms", sim.now / MS).isEqualTo(PUB);
        }
        assertThat(sim.paths.changes()).isEqualTo(1);
    }

    @Test
    void losingALocalAddressProvesEveryPathAgainAtOnceWhileTheCallGoesOnBothWays() {
        Sim sim = new Sim(true, PUB, LAN);
        sim.rttMs.put(PUB, 10L);
        sim.dial();
        sim.run(3_000);
        sim.paths.heardFrom(PUB, sim.now);
        sim.send(sim.paths.pingsDue(sim.now, false)); // a heartbeat may have gone just now
        assertThat(sim.paths.direct(sim.now)).isEqualTo(PUB);
        int cmm = sim.callMeMaybes;
        assertThat(sim.paths.localAddressLost(sim.now)).as("the selected path is dropped").isTrue();
        assertThat(sim.paths.direct(sim.now)).isNull();
        PeerPaths.Plan meanwhile = sim.paths.plan(sim.now, true);
        assertThat(meanwhile.viaRelay()).as("the relay carries the call meanwhile").isTrue();
        assertThat(meanwhile.direct()).as("and the address the peer was heard from").contains(PUB);
        assertThat(sim.paths.pingsDue(sim.now, true)).as("every candidate is pinged again now, however recently")
                .containsExactlyInAnyOrder(PUB, LAN);
        assertThat(sim.paths.callMeMaybeDue(sim.now, true)).as("the new addresses are offered at once").isTrue();
        sim.callMeMaybes++;
        sim.send(List.of(PUB));
        sim.run(20);
        assertThat(sim.paths.direct(sim.now)).as("direct again one round trip later").isEqualTo(PUB);
        assertThat(sim.callMeMaybes - cmm).isEqualTo(1);
    }

    @Test
    void ipv6CountsThreeMillisecondsFaster() {
        PeerPaths p = new PeerPaths(PathPolicy.DEFAULT);
        long now = 0;
        p.ponged(PUB, 10 * MS, now);
        assertThat(p.direct(now)).isEqualTo(PUB);
        p.ponged(V6, 12 * MS, now); // biased 9 ms: not 5 ms better
        assertThat(p.direct(now)).isEqualTo(PUB);
        PeerPaths q = new PeerPaths(PathPolicy.DEFAULT);
        q.ponged(PUB, 10 * MS, now);
        q.ponged(V6, 7 * MS, now); // biased 4 ms: 6 ms better
        assertThat(q.direct(now)).isEqualTo(V6);
    }

    @Test
    void withoutARelayPacketsGoToEveryCandidateUntilOneAnswers() {
        Sim sim = new Sim(false, PUB, LAN);
        sim.rttMs.put(LAN, 3L);
        assertThat(sim.paths.plan(sim.now, false).direct()).containsExactly(PUB, LAN);
        assertThat(sim.paths.plan(sim.now, false).viaRelay()).isFalse();
        sim.dial();
        sim.run(10);
        assertThat(sim.paths.plan(sim.now, false).direct()).containsExactly(LAN);
    }

    @Test
    void aRelayThatIsDownIsNotCountedOn() {
        PeerPaths p = new PeerPaths(PathPolicy.DEFAULT);
        p.relayUrl(RELAY);
        p.addCandidate(PUB);
        long now = 100 * 1_000 * MS;
        assertThat(p.plan(now, false)).isEqualTo(new PeerPaths.Plan(List.of(PUB), null));
        assertThat(p.plan(now, true)).isEqualTo(new PeerPaths.Plan(List.of(), RELAY));
    }

    @Test
    void candidatesAreBounded() {
        PeerPaths p = new PeerPaths(PathPolicy.DEFAULT);
        for (int i = 0; i < 100; i++) {
            p.addCandidate(new InetSocketAddress("198.18.5." + (i % 250), 1000 + i));
        }
        assertThat(p.candidates()).hasSize(PeerPaths.MAX_CANDIDATES);
    }

    /**
     * Hole punching where our Ping crossed the peer's: ours reached its NAT before the peer had sent
     * anything our way and was dropped, then the peer's Ping arrived (25 ms later in a lab run). We ping
     * back at once (the peer's NAT is open now) instead of waiting for a Pong that will never come.
     */
    @Test
    void aPingArrivingJustAfterOursWasDroppedIsAnsweredWithAPingAtOnce() {
        Sim sim = new Sim(true, PUB);
        sim.dial(); // our Ping to PUB: dropped by the peer's NAT (PUB does not answer)
        sim.now += 25 * MS;
        sim.paths.heardFrom(PUB, sim.now); // the peer's Ping from PUB came through our NAT
        assertThat(sim.paths.pingBackDue(PUB, sim.now)).as("ping back 25 ms after our lost Ping").isTrue();
        assertThat(sim.paths.pingBackDue(PUB, sim.now + 50 * MS)).as("but not twice within 100 ms").isFalse();
        assertThat(sim.paths.pingBackDue(PUB, sim.now + 150 * MS)).as("a later Ping is answered again").isTrue();
        sim.paths.ponged(PUB, 20 * MS, sim.now + 170 * MS);
        assertThat(sim.paths.pingBackDue(PUB, sim.now + 500 * MS)).as("but not on a trusted path").isFalse();
    }

    /**
     * A dial that starts before this endpoint's first STUN answer sends a CallMeMaybe naming only private
     * addresses; when the public address arrives a moment later, the next CallMeMaybe goes at once rather
     * than after the one-second rate limit.
     */
    @Test
    void aNewOwnAddressLetsTheNextCallMeMaybeGoAtOnce() {
        Sim sim = new Sim(true, PUB);
        sim.dial();
        assertThat(sim.callMeMaybes).isEqualTo(1);
        long soon = sim.now + 200 * MS;
        assertThat(sim.paths.callMeMaybeDue(soon, true)).as("rate-limited within a second").isFalse();
        sim.paths.ownCandidatesChanged();
        assertThat(sim.paths.callMeMaybeDue(soon, true)).as("a new own address goes out at once").isTrue();
        assertThat(sim.paths.callMeMaybeDue(soon + 100 * MS, true)).as("and the limit holds again").isFalse();
    }
}
