package dev.parley.net.path;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the path layer knows about the ways to one peer, and the decisions made from it: where a packet
 * to the peer goes ({@link #plan}), which candidates to ping now ({@link #pingsDue}), and which direct
 * path is selected. A pure state machine: every method takes the current time in nanoseconds, nothing
 * reads a clock, so the rules are tested by simulation. Not thread-safe (the endpoint's event loop owns it).
 *
 * <p>Rules (substrate §4.3, §4.5): a direct path is used alone while trusted (a Pong within
 * {@link PathPolicy#trust}); with none trusted, packets go on the relay and also directly to the
 * addresses the peer was last heard from (a signed Ping from there or a past trusted path), or to every
 * candidate when there is no relay. A direct path beats the relay; another direct path replaces the
 * selected one only when its RTT is at least {@link PathPolicy#switchMin} lower, or at once when the
 * selected one has gone quiet while the other is heard from ({@link #OUTHEARD_NANOS}: the peer moved to
 * another network). When this endpoint's own network changes, every path is re-proved
 * ({@link #localAddressLost}).
 */
public final class PeerPaths {
    static final int MAX_CANDIDATES = 16;
    /** Without a relay, an unconfirmed packet goes to at most this many candidates. */
    static final int MAX_BLIND_SENDS = 4;

    private final PathPolicy policy;
    private final Map<InetSocketAddress, Candidate> candidates = new LinkedHashMap<>();
    private String relayUrl;
    private InetSocketAddress selected;
    private long lastActivity = Long.MIN_VALUE;
    private long lastUpgrade = Long.MIN_VALUE;
    private long lastCallMeMaybe = Long.MIN_VALUE;
    private int callMeMaybes;
    private long lastKick = Long.MIN_VALUE;
    private int changes;

    /** One candidate direct address. Times are nanos; {@code Long.MIN_VALUE} means never. */
    static final class Candidate {
        final InetSocketAddress address;
        long lastPing = Long.MIN_VALUE;
        long lastPong = Long.MIN_VALUE;
        long lastHeard = Long.MIN_VALUE;
        /** The last Ping or QUIC packet the peer sent from here on its own (not a Pong to our Ping). */
        long lastInitiated = Long.MIN_VALUE;
        long lastPingBack = Long.MIN_VALUE;
        long rttNanos = -1;

        Candidate(InetSocketAddress address) {
            this.address = address;
        }
    }

    /** Where one packet goes: zero or more direct addresses, and the relay or not. */
    public record Plan(List<InetSocketAddress> direct, String relay) {
        public boolean viaRelay() {
            return relay != null;
        }
    }

    public PeerPaths(PathPolicy policy) {
        this.policy = policy;
    }

    /** Adds a candidate address (from a ticket, CallMeMaybe, mDNS, or a Ping's source). */
    public boolean addCandidate(InetSocketAddress address) {
        if (candidates.containsKey(address)) {
            return false;
        }
        if (candidates.size() >= MAX_CANDIDATES) {
            evictOne();
        }
        candidates.put(address, new Candidate(address));
        return true;
    }

    private void evictOne() {
        InetSocketAddress victim = null;
        long oldest = Long.MAX_VALUE;
        for (Candidate c : candidates.values()) {
            long seen = Math.max(c.lastPong, c.lastHeard);
            if (!c.address.equals(selected) && seen < oldest) {
                oldest = seen;
                victim = c.address;
            }
        }
        if (victim != null) {
            candidates.remove(victim);
        }
    }

    public void relayUrl(String url) {
        if (url != null) {
            this.relayUrl = url;
        }
    }

    public String relayUrl() {
        return relayUrl;
    }

    public List<InetSocketAddress> candidates() {
        return List.copyOf(candidates.keySet());
    }

    /** A packet went to or came from the peer: the session is active. */
    public void activity(long now) {
        lastActivity = now;
    }

    public boolean active(long now) {
        return lastActivity != Long.MIN_VALUE && now - lastActivity < policy.sessionActive().toNanos();
    }

    /** A verified Ping (or QUIC packet) came from {@code address}. */
    public void heardFrom(InetSocketAddress address, long now) {
        Candidate c = candidates.get(address);
        if (c == null) {
            addCandidate(address);
            c = candidates.get(address);
        }
        if (c != null) {
            c.lastHeard = now;
            c.lastInitiated = now;
        }
    }

    /**
     * A trusted path the peer has sent nothing from (Pings, QUIC) for this much longer than from another
     * trusted one is no longer used: the peer now sends from the other address. Pongs to our own Pings do
     * not count (an upgrade probe's answer is no reason to leave a path the peer still uses). A peer whose
     * address changed (a new DHCP lease, Wi-Fi to cable) pings from the new one at once; its old address is
     * gone, and waiting for the old path's trust to run out (6.5 s) outlived the sessions (3 s idle). While
     * media flows a path is heard from every few ms.
     */
    static final long OUTHEARD_NANOS = 500_000_000L;

    /**
     * This endpoint lost a local address (its network changed): every Pong so far proved a path from the
     * old address, and the peer's answers may now go nowhere. No path stays trusted; every candidate is
     * pinged again at once (a forced {@link #pingsDue}) and a CallMeMaybe may go at once. Until a Pong
     * comes back, packets go through the relay and to the addresses the peer was heard from
     * ({@link #plan}), so the call goes on meanwhile. Returns true when a selected path was dropped.
     */
    public boolean localAddressLost(long now) {
        for (Candidate c : candidates.values()) {
            c.lastPong = Long.MIN_VALUE;
            c.lastPing = Long.MIN_VALUE;
            c.lastPingBack = Long.MIN_VALUE;
        }
        lastCallMeMaybe = Long.MIN_VALUE;
        callMeMaybes = 0;
        return reselect(now);
    }

    /** Pings back to one address at most this often. */
    static final long PING_BACK_GAP_NANOS = 100_000_000L;

    /**
     * Whether to answer a Ping from {@code address} with a Ping of our own (so the path is trusted in our
     * direction too); marks it done. Yes whenever the address is not trusted, at most one ping back per
     * {@value #PING_BACK_GAP_NANOS} ns, however recently our own Pings went there: a Ping arriving proves
     * the peer's NAT now lets our packets in, and a Ping we sent before that moment (one that crossed the
     * peer's in a CallMeMaybe round, even 25 ms earlier) was dropped there. Skipping the ping back for it
     * kept a lab call on the relay until the next ping round, 4.5 s later. Bounded by the Pings received.
     */
    public boolean pingBackDue(InetSocketAddress address, long now) {
        Candidate c = candidates.get(address);
        if (c == null || trusted(c, now)
                || c.lastPingBack != Long.MIN_VALUE && now - c.lastPingBack < PING_BACK_GAP_NANOS) {
            return false;
        }
        c.lastPingBack = now;
        return true;
    }

    /**
     * This endpoint learnt a new address of its own (a first or changed STUN answer): the next CallMeMaybe
     * may go at once, so the peer can ping the address that works now instead of waiting out the rate limit
     * after one that named only private addresses. Rare (a handful of addresses per endpoint).
     */
    public void ownCandidatesChanged() {
        lastCallMeMaybe = Long.MIN_VALUE;
    }

    /** A ping went to {@code address}. */
    public void pinged(InetSocketAddress address, long now) {
        Candidate c = candidates.get(address);
        if (c != null) {
            c.lastPing = now;
        }
    }

    /**
     * A Pong came back from {@code address}, {@code rttNanos} after its Ping: the address is trusted and
     * may become the selected path. Returns true when the selected path changed.
     */
    public boolean ponged(InetSocketAddress address, long rttNanos, long now) {
        addCandidate(address);
        Candidate c = candidates.get(address);
        if (c == null) {
            return false;
        }
        c.lastPong = now;
        c.lastHeard = now;
        c.rttNanos = c.rttNanos < 0 ? rttNanos : (c.rttNanos * 3 + rttNanos) / 4;
        return reselect(now);
    }

    private boolean trusted(Candidate c, long now) {
        return c.lastPong != Long.MIN_VALUE && now - c.lastPong < policy.trust().toNanos();
    }

    /** Re-evaluates the selected path; true when it changed. */
    boolean reselect(long now) {
        long lastHeardTrusted = Long.MIN_VALUE;
        for (Candidate c : candidates.values()) {
            if (trusted(c, now)) {
                lastHeardTrusted = Math.max(lastHeardTrusted, c.lastInitiated);
            }
        }
        Candidate current = selected == null ? null : candidates.get(selected);
        boolean currentOk = current != null && usable(current, lastHeardTrusted, now);
        Candidate best = null;
        for (Candidate c : candidates.values()) {
            if (usable(c, lastHeardTrusted, now) && (best == null
                    || policy.biasedRtt(c.address, c.rttNanos) < policy.biasedRtt(best.address, best.rttNanos))) {
                best = c;
            }
        }
        InetSocketAddress next;
        if (!currentOk) {
            next = best == null ? null : best.address;
        } else if (best != null && best != current && policy.biasedRtt(best.address, best.rttNanos)
                <= policy.biasedRtt(current.address, current.rttNanos) - policy.switchMin().toNanos()) {
            next = best.address;
        } else {
            next = selected;
        }
        if (java.util.Objects.equals(next, selected)) {
            return false;
        }
        selected = next;
        changes++;
        return true;
    }

    /** Trusted, and not {@link #OUTHEARD_NANOS} quieter than the trusted path the peer last sent from. */
    private boolean usable(Candidate c, long lastHeardTrusted, long now) {
        return trusted(c, now) && (lastHeardTrusted == Long.MIN_VALUE
                || c.lastInitiated != Long.MIN_VALUE && lastHeardTrusted - c.lastInitiated <= OUTHEARD_NANOS);
    }

    /** The selected direct path if it is still trusted at {@code now}, else null. */
    public InetSocketAddress direct(long now) {
        reselect(now);
        return selected;
    }

    /** RTT of the selected direct path in nanos, -1 without one. */
    public long directRttNanos() {
        Candidate c = selected == null ? null : candidates.get(selected);
        return c == null ? -1 : c.rttNanos;
    }

    /** How many times the selected path changed. */
    public int changes() {
        return changes;
    }

    /** Without a trusted path, packets go to every candidate for this long after a dial or CallMeMaybe. */
    static final long BLIND_WINDOW_NANOS = 2_000_000_000L;

    /**
     * Where a packet to the peer goes now. With a trusted direct path, there alone. Otherwise through the
     * relay (when {@code relayUp}) and directly to the addresses the peer was heard from; also to every
     * candidate (at most {@link #MAX_BLIND_SENDS}) when no relay is up, or within
     * {@link #BLIND_WINDOW_NANOS} of a dial or CallMeMaybe (a LAN peer answers directly before the relay
     * does; later, duplicates to dead addresses would only waste the uplink).
     */
    public Plan plan(long now, boolean relayUp) {
        InetSocketAddress d = direct(now);
        if (d != null) {
            return new Plan(List.of(d), null);
        }
        boolean blind = !relayUp || relayUrl == null
                || (lastKick != Long.MIN_VALUE && now - lastKick < BLIND_WINDOW_NANOS);
        List<InetSocketAddress> out = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (c.lastHeard != Long.MIN_VALUE && now - c.lastHeard < policy.sessionActive().toNanos()) {
                out.add(c.address);
            }
        }
        if (blind) {
            for (Candidate c : candidates.values()) {
                if (out.size() >= MAX_BLIND_SENDS) {
                    break;
                }
                if (!out.contains(c.address)) {
                    out.add(c.address);
                }
            }
        }
        return new Plan(out.size() > MAX_BLIND_SENDS ? List.copyOf(out.subList(0, MAX_BLIND_SENDS)) : out,
                relayUp ? relayUrl : null);
    }

    /**
     * The candidates to ping now: while active, the selected path every heartbeat (and as soon as its
     * trust is about to run out); with no trusted path, every candidate not pinged within the ping
     * timeout; every upgrade interval, all the others too. {@code force} pings everything not pinged in
     * the last 500 ms (a dial starting, a CallMeMaybe arriving). Marks them pinged.
     */
    public List<InetSocketAddress> pingsDue(long now, boolean force) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!force && !active(now)) {
            return out;
        }
        InetSocketAddress d = direct(now);
        boolean upgrade = d != null && (lastUpgrade == Long.MIN_VALUE || now - lastUpgrade >= policy.upgrade().toNanos());
        if (upgrade) {
            lastUpgrade = now;
        }
        if (force) {
            lastKick = now;
        }
        for (Candidate c : candidates.values()) {
            long sincePing = c.lastPing == Long.MIN_VALUE ? Long.MAX_VALUE : now - c.lastPing;
            boolean due;
            if (force) {
                due = sincePing >= 500_000_000L;
            } else if (c.address.equals(d)) {
                long trustLeft = c.lastPong + policy.trust().toNanos() - now;
                due = sincePing >= policy.heartbeat().toNanos() || (trustLeft < 1_500_000_000L && sincePing >= 1_000_000_000L);
            } else {
                due = (d == null || upgrade) && sincePing >= policy.pingTimeout().toNanos();
            }
            if (due) {
                c.lastPing = now;
                out.add(c.address);
            }
        }
        return out;
    }

    /** Whether to send a CallMeMaybe through the relay now (no trusted direct path, rate-limited); marks it sent. */
    public boolean callMeMaybeDue(long now, boolean force) {
        if (relayUrl == null || (!force && (!active(now) || direct(now) != null))) {
            return false;
        }
        // the first rounds often meet a NAT that has not opened yet: retry after 1 s and 2 s, then every
        // policy.callMeMaybe() (a relayed start went direct only at the 5 s retry in the lab)
        long gap = force ? 1_000_000_000L
                : Math.min(policy.callMeMaybe().toNanos(), 1_000_000_000L << Math.min(callMeMaybes - 1, 8));
        if (lastCallMeMaybe != Long.MIN_VALUE && now - lastCallMeMaybe < gap) {
            return false;
        }
        lastCallMeMaybe = now;
        callMeMaybes++;
        return true;
    }
}
