package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Presence and the media link to every other peer of a room, as a pure state machine: {@link #on}
 * takes an {@link Event} and returns the {@link Action}s the driver ({@link Room}) carries out. No
 * threads, clocks or I/O: delays are {@link Action.Schedule} actions whose event comes back later,
 * and the backoff draws from the injected random source, so a simulation replays exactly.
 *
 * <p>A peer is present from its first signed state newer than its last departure until it leaves
 * (a leave marker, a leaving heartbeat, its links closing with the room's "left" code, a gossip
 * goodbye), its state expires, or its link stays down for {@link ReconnectPolicy#giveUpAfter()}.
 * While present its link is CONNECTING (first dial, retried every {@link #FIRST_DIAL_RETRY_MS} up
 * to {@link #FIRST_DIAL_TRIES} times: its address can arrive after its state), CONNECTED, or
 * RECONNECTING (re-dials with jittered backoff; a gossip NeighborUp from it re-dials at once).
 *
 * <p>Every dial, subscription and feed belongs to a <em>generation</em> of the peer, bumped whenever
 * the old link's work must be ignored (presence starts or ends, the link drops); results of an older
 * generation are stale ({@link #isCurrent}).
 */
final class PeerLinks {
    static final int FIRST_DIAL_TRIES = 20;
    static final long FIRST_DIAL_RETRY_MS = 250;

    /** What happened; {@code gen} tags results of work started for that generation. */
    sealed interface Event {
        EndpointId peer();

        /** A valid signed state with timestamp {@code ts} (ns) arrived. */
        record StateSeen(EndpointId peer, long ts) implements Event {}

        /** The peer's signed leave marker, written at {@code ts}. */
        record LeaveSeen(EndpointId peer, long ts) implements Event {}

        record Expired(EndpointId peer) implements Event {}

        /** A gossip goodbye (the neighbour left). */
        record NeighborLeft(EndpointId peer) implements Event {}

        /** A gossip link to the peer came up: the path works. */
        record NeighborUp(EndpointId peer) implements Event {}

        /** The peer's last heartbeat said it is leaving. */
        record LeavingBeat(EndpointId peer, long gen) implements Event {}

        /** The dial of generation {@code gen} reached the peer's room feed. */
        record FeedUp(EndpointId peer, long gen) implements Event {}

        record FeedFailed(EndpointId peer, long gen) implements Event {}

        /** The moq session with the peer ended. */
        record SessionClosed(EndpointId peer, Close how) implements Event {}

        /** Timers, scheduled by {@link Action.Schedule}. */
        record DialDue(EndpointId peer, long gen) implements Event {}

        record RedialDue(EndpointId peer, long gen, long token) implements Event {}

        record GiveUpDue(EndpointId peer, long gen) implements Event {}
    }

    /** How a session ended: the peer left (its "left" close code), the transport failed, or a clean close. */
    enum Close { LEFT, FAILED, CLEAN }

    /** What the driver does, in order. */
    sealed interface Action {
        /** The peer became present: report it (its state is the one just seen). */
        record Joined(EndpointId peer) implements Action {}

        /** A newer state of a present peer was accepted: report it if it changed. */
        record Updated(EndpointId peer) implements Action {}

        record Left(EndpointId peer, RoomEvent.LeaveReason reason) implements Action {}

        record LinkChanged(EndpointId peer, LinkState state) implements Action {}

        record RoomLinkChanged(LinkState state) implements Action {}

        /** Dial the peer and subscribe its room feed for generation {@code gen}; report FeedUp or FeedFailed. */
        record Dial(EndpointId peer, long gen, boolean redial) implements Action {}

        /** End the peer's subscriptions and room feed (reporting each broadcast as ended). */
        record DropSubscriptions(EndpointId peer) implements Action {}

        /** Bring subscriptions in line with the peer's announced broadcasts (unless the link is down). */
        record Subscribe(EndpointId peer) implements Action {}

        /** Feed {@code event} back to {@link #on} after {@code delayMs}. */
        record Schedule(long delayMs, Event event) implements Action {}
    }

    private static final class Peer {
        boolean present;
        long stateTs;
        /** A state must be newer than this to make the peer present again. */
        long goneUpTo;
        long generation;
        LinkState link; // null while not present
        boolean dialing;
        int attempt;
        int firstTries;
        /** Only the newest scheduled re-dial counts. */
        long redialToken;
    }

    private final ReconnectPolicy policy;
    private final RandomGenerator random;
    private final Map<EndpointId, Peer> peers = new HashMap<>();
    private LinkState roomLink = LinkState.CONNECTED;

    PeerLinks(ReconnectPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /** True if a state with timestamp {@code ts} would be taken (not one still travelling after a departure). */
    boolean accepts(EndpointId peer, long ts) {
        Peer p = peers.get(peer);
        return p == null || ts > p.goneUpTo;
    }

    boolean isPresent(EndpointId peer) {
        Peer p = peers.get(peer);
        return p != null && p.present;
    }

    /** True if work started for {@code gen} still matters: the peer is present and no newer generation began. */
    boolean isCurrent(EndpointId peer, long gen) {
        Peer p = peers.get(peer);
        return p != null && p.present && p.generation == gen;
    }

    long generation(EndpointId peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.generation;
    }

    /** Null while not present. */
    LinkState link(EndpointId peer) {
        Peer p = peers.get(peer);
        return p == null ? null : p.link;
    }

    LinkState roomLink() {
        return roomLink;
    }

    List<EndpointId> present() {
        return peers.entrySet().stream().filter(e -> e.getValue().present).map(Map.Entry::getKey).toList();
    }

    List<Action> on(Event e) {
        List<Action> out = new ArrayList<>();
        Peer p = peers.computeIfAbsent(e.peer(), id -> new Peer());
        switch (e) {
            case Event.StateSeen s -> {
                if (s.ts() <= p.goneUpTo) {
                    break; // an older state still travelling after the peer left
                }
                p.stateTs = Math.max(p.stateTs, s.ts());
                if (!p.present) {
                    p.present = true;
                    p.generation++;
                    p.attempt = 0;
                    p.firstTries = 0;
                    out.add(new Action.Joined(s.peer()));
                    setLink(out, s.peer(), p, LinkState.CONNECTING);
                    dial(out, s.peer(), p, false);
                } else {
                    out.add(new Action.Updated(s.peer()));
                }
                out.add(new Action.Subscribe(s.peer()));
            }
            case Event.LeaveSeen l -> {
                if (l.ts() > p.stateTs) {
                    gone(out, l.peer(), p, RoomEvent.LeaveReason.LEFT);
                    p.goneUpTo = Math.max(p.goneUpTo, l.ts());
                }
            }
            case Event.Expired x -> gone(out, x.peer(), p, RoomEvent.LeaveReason.EXPIRED);
            case Event.NeighborLeft n -> gone(out, n.peer(), p, RoomEvent.LeaveReason.LEFT);
            case Event.NeighborUp u -> {
                if (p.present && p.link == LinkState.RECONNECTING && !p.dialing) {
                    dial(out, u.peer(), p, true); // the path works again: no need to wait for the backoff
                }
            }
            case Event.LeavingBeat b -> {
                if (current(p, b.gen())) {
                    gone(out, b.peer(), p, RoomEvent.LeaveReason.LEFT);
                }
            }
            case Event.FeedUp f -> {
                if (current(p, f.gen())) {
                    p.dialing = false;
                    p.attempt = 0;
                    setLink(out, f.peer(), p, LinkState.CONNECTED);
                    out.add(new Action.Subscribe(f.peer()));
                }
            }
            case Event.FeedFailed f -> {
                if (current(p, f.gen())) {
                    if (p.link == LinkState.CONNECTING && ++p.firstTries < FIRST_DIAL_TRIES) {
                        out.add(new Action.Schedule(FIRST_DIAL_RETRY_MS, new Event.DialDue(f.peer(), p.generation)));
                    } else {
                        p.dialing = false;
                        linkDown(out, f.peer(), p);
                    }
                }
            }
            case Event.DialDue d -> {
                if (current(p, d.gen()) && p.link == LinkState.CONNECTING) {
                    dial(out, d.peer(), p, false);
                }
            }
            case Event.SessionClosed c -> {
                if (!p.present) {
                    break;
                }
                switch (c.how()) {
                    case LEFT -> gone(out, c.peer(), p, RoomEvent.LeaveReason.LEFT);
                    case FAILED -> linkDown(out, c.peer(), p);
                    case CLEAN -> {
                        if (p.link != LinkState.RECONNECTING) {
                            // e.g. a duplicate session replaced: fetch everything again, one dial
                            out.add(new Action.DropSubscriptions(c.peer()));
                            p.generation++;
                            p.firstTries = FIRST_DIAL_TRIES; // a failure now means RECONNECTING
                            dial(out, c.peer(), p, false);
                            out.add(new Action.Subscribe(c.peer()));
                        }
                    }
                }
            }
            case Event.RedialDue r -> {
                if (current(p, r.gen()) && p.link == LinkState.RECONNECTING && !p.dialing && r.token() == p.redialToken) {
                    dial(out, r.peer(), p, true);
                }
            }
            case Event.GiveUpDue g -> {
                if (current(p, g.gen()) && p.link == LinkState.RECONNECTING) {
                    gone(out, g.peer(), p, RoomEvent.LeaveReason.FAILED);
                }
            }
        }
        return out;
    }

    private static boolean current(Peer p, long gen) {
        return p.present && p.generation == gen;
    }

    private void dial(List<Action> out, EndpointId id, Peer p, boolean redial) {
        p.dialing = true;
        p.redialToken++; // a pending re-dial is superseded
        out.add(new Action.Dial(id, p.generation, redial));
    }

    /** The link to a present peer failed (session error or a failed dial): reconnect with backoff. */
    private void linkDown(List<Action> out, EndpointId id, Peer p) {
        if (p.link != LinkState.RECONNECTING) {
            p.generation++; // stale dials and subscriptions of the old link are ignored
            p.dialing = false;
            p.attempt = 0;
            setLink(out, id, p, LinkState.RECONNECTING);
            out.add(new Action.DropSubscriptions(id));
            out.add(new Action.Schedule(policy.giveUpAfter().toMillis(), new Event.GiveUpDue(id, p.generation)));
        }
        long delay = policy.delayMs(p.attempt++, random);
        out.add(new Action.Schedule(delay, new Event.RedialDue(id, p.generation, ++p.redialToken)));
    }

    private void gone(List<Action> out, EndpointId id, Peer p, RoomEvent.LeaveReason reason) {
        p.goneUpTo = Math.max(p.goneUpTo, p.stateTs);
        if (!p.present) {
            return;
        }
        p.present = false;
        p.generation++;
        p.dialing = false;
        p.redialToken++;
        p.link = null;
        out.add(new Action.DropSubscriptions(id));
        out.add(new Action.Left(id, reason));
        updateRoomLink(out);
    }

    private void setLink(List<Action> out, EndpointId id, Peer p, LinkState state) {
        if (p.link == state) {
            return;
        }
        p.link = state;
        out.add(new Action.LinkChanged(id, state));
        updateRoomLink(out);
    }

    /** RECONNECTING while there are present peers and every one of them is unreachable. */
    private void updateRoomLink(List<Action> out) {
        boolean anyPresent = false;
        boolean allDown = true;
        for (Peer p : peers.values()) {
            if (p.present) {
                anyPresent = true;
                allDown &= p.link == LinkState.RECONNECTING;
            }
        }
        LinkState now = anyPresent && allDown ? LinkState.RECONNECTING : LinkState.CONNECTED;
        if (now != roomLink) {
            roomLink = now;
            out.add(new Action.RoomLinkChanged(now));
        }
    }
}
