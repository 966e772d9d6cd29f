package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.PeerLinks.Action;
import dev.parley.rooms.PeerLinks.Event;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PeerLinks} driven by a deterministic simulation: a virtual clock, a timer queue and a
 * network model in which a dial reaches a peer only while its path is up and its address is known,
 * and a live session fails one idle timeout after its path goes down. Every step checks the
 * invariants; scenarios check presence, the first-dial retries, backoff, give-up and the room link.
 */
class PeerLinksSimulationTest {
    static final ReconnectPolicy POLICY = new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(15));
    static final long DIAL_MS = 40;
    static final long NO_ADDRESS_FAIL_MS = 5;
    static final long UNREACHABLE_FAIL_MS = 2_000;
    static final long IDLE_TIMEOUT_MS = 3_000;

    /** One room's view: the machine, the network around it, and everything it did. */
    static final class Sim {
        final PeerLinks links;
        long now;
        private long seq;
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        private final Map<Long, Runnable> tasks = new HashMap<>();
        final Map<EndpointId, Boolean> pathUp = new HashMap<>();
        final Map<EndpointId, Long> addressAt = new HashMap<>();
        /** Sessions that are up: peer -> generation of the feed that brought it up. */
        final Map<EndpointId, Long> sessions = new HashMap<>();
        final Set<String> dialsInFlight = new HashSet<>();
        final List<String> trace = new ArrayList<>();
        final List<long[]> dialTimes = new ArrayList<>();
        final Map<EndpointId, Integer> joinedMinusLeft = new HashMap<>();
        final List<Action> actions = new ArrayList<>();

        Sim(long seed) {
            links = new PeerLinks(POLICY, new SplittableRandom(seed));
        }

        void at(long time, Runnable r) {
            long id = seq++;
            tasks.put(id, r);
            queue.add(new long[] {time, id});
        }

        void runUntil(long end) {
            while (!queue.isEmpty() && queue.peek()[0] <= end) {
                long[] next = queue.poll();
                now = next[0];
                tasks.remove(next[1]).run();
            }
            now = end;
        }

        void event(Event e) {
            for (Action a : links.on(e)) {
                actions.add(a);
                trace.add(now + " " + a);
                switch (a) {
                    case Action.Joined j -> joinedMinusLeft.merge(j.peer(), 1, Integer::sum);
                    case Action.Left l -> {
                        assertThat(joinedMinusLeft.merge(l.peer(), -1, Integer::sum)).as("a Left follows a Joined").isZero();
                        sessions.remove(l.peer());
                    }
                    case Action.Dial d -> dial(d);
                    case Action.Schedule s -> at(now + s.delayMs(), () -> event(s.event()));
                    case Action.DropSubscriptions d -> { }
                    default -> { }
                }
            }
            checkInvariants();
        }

        private void dial(Action.Dial d) {
            assertThat(links.isPresent(d.peer())).as("dials only present peers").isTrue();
            String key = d.peer() + "/" + d.gen();
            assertThat(dialsInFlight.add(key)).as("one dial per peer and generation at a time").isTrue();
            dialTimes.add(new long[] {now, d.gen()});
            boolean addressKnown = addressAt.getOrDefault(d.peer(), 0L) <= now;
            boolean reachable = pathUp.getOrDefault(d.peer(), true);
            long done = !addressKnown ? NO_ADDRESS_FAIL_MS : reachable ? DIAL_MS : UNREACHABLE_FAIL_MS;
            at(now + done, () -> {
                dialsInFlight.remove(key);
                boolean ok = addressAt.getOrDefault(d.peer(), 0L) <= now && pathUp.getOrDefault(d.peer(), true);
                if (ok) {
                    sessions.put(d.peer(), d.gen());
                    event(new Event.FeedUp(d.peer(), d.gen()));
                } else {
                    event(new Event.FeedFailed(d.peer(), d.gen()));
                }
            });
        }

        /** The path to {@code peer} goes down: a live session fails one idle timeout later. */
        void cut(EndpointId peer) {
            pathUp.put(peer, false);
            if (sessions.containsKey(peer)) {
                at(now + IDLE_TIMEOUT_MS, () -> {
                    if (!pathUp.get(peer) && sessions.remove(peer) != null) {
                        event(new Event.SessionClosed(peer, PeerLinks.Close.FAILED));
                    }
                });
            }
        }

        void restore(EndpointId peer) {
            pathUp.put(peer, true);
        }

        void checkInvariants() {
            boolean any = false;
            boolean allDown = true;
            for (Map.Entry<EndpointId, Integer> e : joinedMinusLeft.entrySet()) {
                boolean present = links.isPresent(e.getKey());
                assertThat(present).as("present exactly between Joined and Left").isEqualTo(e.getValue() == 1);
                assertThat(links.link(e.getKey()) != null).as("a link only while present").isEqualTo(present);
                if (present) {
                    any = true;
                    allDown &= links.link(e.getKey()) == LinkState.RECONNECTING;
                }
            }
            assertThat(links.roomLink()).isEqualTo(any && allDown ? LinkState.RECONNECTING : LinkState.CONNECTED);
        }

        long count(Class<? extends Action> type, EndpointId peer) {
            return actions.stream().filter(type::isInstance).filter(a -> peer == null || a.toString().contains(peer.toString())).count();
        }

        List<Action.LinkChanged> linkChanges(EndpointId peer) {
            return actions.stream().filter(a -> a instanceof Action.LinkChanged l && l.peer().equals(peer))
                    .map(a -> (Action.LinkChanged) a).toList();
        }
    }

    private static EndpointId peer(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        key[31] = (byte) (n * 7 + 1);
        return EndpointId.of(key);
    }

    private static long ts(long ms) {
        return 1_700_000_000_000_000_000L + ms * 1_000_000;
    }

    @Test
    void aPeerThatAppearsIsDialledOnceAndConnects() {
        Sim sim = new Sim(1);
        EndpointId a = peer(1);
        sim.at(100, () -> sim.event(new Event.StateSeen(a, ts(100))));
        sim.at(2_000, () -> sim.event(new Event.StateSeen(a, ts(2_000)))); // a refresh changes nothing
        sim.runUntil(5_000);
        assertThat(sim.linkChanges(a)).extracting(Action.LinkChanged::state).containsExactly(LinkState.CONNECTING, LinkState.CONNECTED);
        assertThat(sim.count(Action.Dial.class, a)).isEqualTo(1);
        assertThat(sim.count(Action.Joined.class, a)).isEqualTo(1);
        assertThat(sim.count(Action.Updated.class, a)).isEqualTo(1);
    }

    @Test
    void anAddressThatArrivesAfterTheStateIsRetriedWithoutReportingALostLink() {
        Sim sim = new Sim(2);
        EndpointId a = peer(1);
        sim.addressAt.put(a, 1_200L);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.runUntil(3_000);
        assertThat(sim.linkChanges(a)).extracting(Action.LinkChanged::state).containsExactly(LinkState.CONNECTING, LinkState.CONNECTED);
        // a try every 255 ms (250 ms wait + 5 ms failure) until 1200 ms: 5 failures, then success
        assertThat(sim.count(Action.Dial.class, a)).isEqualTo(6);
        assertThat(sim.links.link(a)).isEqualTo(LinkState.CONNECTED);
    }

    @Test
    void anAddressThatNeverArrivesEndsInReconnectingThenFailed() {
        Sim sim = new Sim(3);
        EndpointId a = peer(1);
        sim.addressAt.put(a, Long.MAX_VALUE);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.runUntil(60_000);
        assertThat(sim.linkChanges(a)).extracting(Action.LinkChanged::state).containsExactly(LinkState.CONNECTING, LinkState.RECONNECTING);
        assertThat(sim.actions).contains(new Action.Left(a, RoomEvent.LeaveReason.FAILED));
    }

    @Test
    void aCutLinkReconnectsWithBackoffAndRecoversOnceThePathIsBack() {
        Sim sim = new Sim(4);
        EndpointId a = peer(1);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.at(10_000, () -> sim.cut(a));
        sim.at(20_000, () -> sim.restore(a));
        sim.runUntil(40_000);
        assertThat(sim.linkChanges(a)).extracting(Action.LinkChanged::state)
                .containsExactly(LinkState.CONNECTING, LinkState.CONNECTED, LinkState.RECONNECTING, LinkState.CONNECTED);
        // the session fails at 13 s; re-dials are spaced by the policy: each failing dial takes 2 s, then waits
        List<Long> redialAt = sim.dialTimes.stream().skip(1).map(d -> d[0]).toList();
        assertThat(redialAt.getFirst()).isBetween(13_000 + 125L, 13_000 + 250L);
        long[] uppers = {250, 500, 1_000, 2_000, 4_000, 5_000, 5_000};
        for (int i = 1; i < redialAt.size(); i++) {
            long gap = redialAt.get(i) - redialAt.get(i - 1) - UNREACHABLE_FAIL_MS;
            long upper = uppers[Math.min(i, uppers.length - 1)];
            assertThat(gap).as("wait before re-dial %d", i).isBetween(upper / 2, upper);
        }
        // back within one backoff step (<= 5 s) plus a failing dial after the path returns at 20 s
        long connectedAt = sim.trace.stream().filter(t -> t.contains("CONNECTED") && t.contains("LinkChanged"))
                .mapToLong(t -> Long.parseLong(t.split(" ")[0])).max().orElseThrow();
        assertThat(connectedAt).isBetween(20_000L, 20_000L + UNREACHABLE_FAIL_MS + 5_000 + DIAL_MS);
        assertThat(sim.count(Action.Left.class, a)).isZero();
        assertThat(sim.count(Action.DropSubscriptions.class, a)).isEqualTo(1);
    }

    @Test
    void aGossipNeighbourComingUpRedialsAtOnce() {
        Sim sim = new Sim(5);
        EndpointId a = peer(1);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.at(1_000, () -> sim.cut(a));
        sim.runUntil(10_000);
        while (!sim.dialsInFlight.isEmpty()) { // wait for a moment between two re-dials
            sim.runUntil(sim.now + 10);
        }
        assertThat(sim.links.link(a)).isEqualTo(LinkState.RECONNECTING); // waiting out a backoff step
        int before = sim.dialTimes.size();
        long upAt = sim.now;
        sim.restore(a);
        sim.event(new Event.NeighborUp(a));
        sim.event(new Event.NeighborUp(a)); // a second one while that dial runs does not dial again
        sim.runUntil(upAt + DIAL_MS);
        assertThat(sim.dialTimes.subList(before, sim.dialTimes.size())).extracting(d -> d[0]).containsExactly(upAt);
        assertThat(sim.links.link(a)).isEqualTo(LinkState.CONNECTED);
        sim.runUntil(upAt + 10_000);
        assertThat(sim.dialTimes).as("the pending backoff re-dial was superseded").hasSize(before + 1);
    }

    @Test
    void aPeerUnreachableForTheGiveUpTimeIsLeftAsFailedAndNoLongerDialled() {
        Sim sim = new Sim(6);
        EndpointId a = peer(1);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.at(5_000, () -> sim.cut(a));
        sim.runUntil(120_000);
        String left = sim.trace.stream().filter(t -> t.contains("Left[")).findFirst().orElseThrow();
        assertThat(Long.parseLong(left.split(" ")[0])).isEqualTo(5_000 + IDLE_TIMEOUT_MS + POLICY.giveUpAfter().toMillis());
        assertThat(sim.actions).contains(new Action.Left(a, RoomEvent.LeaveReason.FAILED));
        long lastDial = sim.dialTimes.getLast()[0];
        assertThat(lastDial).isLessThan(5_000 + IDLE_TIMEOUT_MS + POLICY.giveUpAfter().toMillis());
        assertThat(sim.links.isPresent(a)).isFalse();
    }

    @Test
    void aLeaveMarkerEndsPresenceOlderStatesStayIgnoredAndANewerOneRejoins() {
        Sim sim = new Sim(7);
        EndpointId a = peer(1);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.at(1_000, () -> sim.cut(a));
        sim.at(5_000, () -> sim.event(new Event.LeaveSeen(a, ts(4_900))));
        sim.at(5_100, () -> sim.event(new Event.StateSeen(a, ts(4_000)))); // still travelling
        sim.runUntil(30_000);
        assertThat(sim.actions).contains(new Action.Left(a, RoomEvent.LeaveReason.LEFT));
        assertThat(sim.count(Action.Joined.class, a)).isEqualTo(1);
        assertThat(sim.dialTimes.stream().filter(d -> d[0] > 5_000)).as("no re-dial after the leave").isEmpty();
        sim.restore(a);
        sim.at(31_000, () -> sim.event(new Event.StateSeen(a, ts(31_000))));
        sim.runUntil(32_000);
        assertThat(sim.count(Action.Joined.class, a)).isEqualTo(2);
        assertThat(sim.links.link(a)).isEqualTo(LinkState.CONNECTED);
    }

    @Test
    void sessionEndingsMapToLeaveReconnectOrOneFreshDial() {
        Sim sim = new Sim(8);
        EndpointId a = peer(1);
        EndpointId b = peer(2);
        sim.at(0, () -> sim.event(new Event.StateSeen(a, ts(0))));
        sim.at(0, () -> sim.event(new Event.StateSeen(b, ts(0))));
        sim.at(1_000, () -> sim.event(new Event.SessionClosed(a, PeerLinks.Close.CLEAN)));
        sim.at(2_000, () -> sim.event(new Event.SessionClosed(b, PeerLinks.Close.LEFT)));
        sim.runUntil(3_000);
        assertThat(sim.count(Action.Dial.class, a)).isEqualTo(2);
        assertThat(sim.linkChanges(a)).extracting(Action.LinkChanged::state).containsExactly(LinkState.CONNECTING, LinkState.CONNECTED);
        assertThat(sim.actions).contains(new Action.Left(b, RoomEvent.LeaveReason.LEFT));
        assertThat(sim.count(Action.Dial.class, b)).isEqualTo(1);
    }

    @Test
    void theRoomIsReconnectingOnlyWhileEveryPresentPeerIsDown() {
        Sim sim = new Sim(9);
        EndpointId a = peer(1), b = peer(2), c = peer(3);
        for (EndpointId p : List.of(a, b, c)) {
            sim.at(0, () -> sim.event(new Event.StateSeen(p, ts(0))));
        }
        sim.at(1_000, () -> { sim.cut(a); sim.cut(b); });
        sim.runUntil(8_000);
        assertThat(sim.links.roomLink()).isEqualTo(LinkState.CONNECTED);
        sim.at(8_000, () -> sim.cut(c));
        sim.runUntil(12_000);
        assertThat(sim.links.roomLink()).isEqualTo(LinkState.RECONNECTING);
        sim.at(12_000, () -> sim.restore(b));
        sim.runUntil(20_000);
        assertThat(sim.links.roomLink()).isEqualTo(LinkState.CONNECTED);
        assertThat(sim.actions.stream().filter(x -> x instanceof Action.RoomLinkChanged).toList())
                .containsExactly(new Action.RoomLinkChanged(LinkState.RECONNECTING), new Action.RoomLinkChanged(LinkState.CONNECTED));
    }

    /** Ten peers, random cuts, restores, leaves, rejoins, expiries and neighbour events for ten minutes. */
    private static List<String> randomRun(long seed) {
        Sim sim = new Sim(seed);
        SplittableRandom r = new SplittableRandom(seed * 31 + 1);
        for (int t = 0; t < 600_000; t += 250) {
            EndpointId p = peer(1 + r.nextInt(10));
            int what = r.nextInt(100);
            long at = t;
            sim.at(at, () -> {
                switch (what / 10) {
                    case 0, 1, 2 -> sim.event(new Event.StateSeen(p, ts(at)));
                    case 3 -> sim.cut(p);
                    case 4, 5 -> sim.restore(p);
                    case 6 -> sim.event(new Event.NeighborUp(p));
                    case 7 -> { if (what % 10 == 0) sim.event(new Event.LeaveSeen(p, ts(at))); }
                    case 8 -> { if (what % 10 == 0) sim.event(new Event.Expired(p)); }
                    default -> { if (what % 10 == 0) sim.event(new Event.SessionClosed(p, PeerLinks.Close.CLEAN)); }
                }
            });
        }
        sim.runUntil(700_000);
        assertThat(sim.count(Action.Joined.class, null)).isGreaterThan(10);
        assertThat(sim.count(Action.Left.class, null)).isGreaterThan(5);
        return sim.trace;
    }

    @Test
    void randomRunsKeepTheInvariantsAndReplayExactly() {
        for (long seed = 1; seed <= 5; seed++) {
            List<String> first = randomRun(seed);
            assertThat(randomRun(seed)).as("seed %d replays", seed).isEqualTo(first);
        }
    }
}
