package dev.parley.rooms.kv;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A last-writer-wins map replicated over gossip, one scope per peer (spec §2). Each peer writes only
 * its own scope, signed with its Ed25519 key; a strictly newer timestamp wins. A pure state machine
 * like the gossip topic: callers pass the wall clock in nanoseconds and carry out the returned
 * {@link Output}s. Unlike iroh-live it refreshes its own entries every
 * {@link KvConfig#refreshIntervalNs()} (so idle members do not expire) and never expires its own.
 * Not thread-safe: one owner thread drives it.
 */
public final class SignedKv {

    /** What the driver must do. */
    public sealed interface Output {
        /** Broadcast {@code payload} on the topic: to the whole swarm, or to direct neighbours only. */
        record Broadcast(byte[] payload, boolean swarm) implements Output {}

        /** Tell the application. */
        record Event(KvEvent event) implements Output {}
    }

    private record Key(EndpointId scope, ByteBuffer key) {}

    private final EntrySigner signer;
    private final KvConfig cfg;
    private final Map<Key, SignedEntry> entries = new LinkedHashMap<>();
    private final Map<EndpointId, Integer> keysPerScope = new HashMap<>();
    private final KvStats stats = new KvStats();
    private long lastOwnTimestamp;
    private long nextRefreshNs = Long.MIN_VALUE;
    private long nextAntiEntropyNs = Long.MIN_VALUE;

    public SignedKv(EntrySigner signer, KvConfig cfg) {
        this.signer = signer;
        this.cfg = cfg;
    }

    public EndpointId me() {
        return signer.id();
    }

    public KvStats stats() {
        return stats;
    }

    /** Writes {@code key = value} in this peer's scope and broadcasts it to the swarm. */
    public List<Output> put(byte[] key, byte[] value, long nowNs) {
        if (key.length > cfg.maxKeyBytes() || value.length > cfg.maxValueBytes()) {
            throw new IllegalArgumentException("entry too large: key " + key.length + " > " + cfg.maxKeyBytes()
                    + " or value " + value.length + " > " + cfg.maxValueBytes() + " bytes");
        }
        long ts = Math.max(nowNs, lastOwnTimestamp + 1);
        lastOwnTimestamp = ts;
        SignedEntry e = SignedEntry.sign(signer, key, ts, value);
        List<Output> out = new ArrayList<>();
        store(e);
        out.add(new Output.Broadcast(e.encode(), true));
        out.add(new Output.Event(new KvEvent.Updated(e)));
        return out;
    }

    /** Handles a payload received on the topic: decode, check limits, age and signature, then apply if newer. */
    public List<Output> onGossip(byte[] payload, long nowNs) {
        SignedEntry e;
        try {
            e = SignedEntry.decode(payload);
        } catch (PostcardException malformed) {
            stats.malformed++;
            return List.of();
        }
        if (e.key().length > cfg.maxKeyBytes() || e.value().length > cfg.maxValueBytes()) {
            stats.oversized++;
            return List.of();
        }
        if (e.timestampNs() < nowNs - cfg.horizonNs() || e.timestampNs() > nowNs + cfg.horizonNs()) {
            stats.stale++;
            return List.of();
        }
        Key k = new Key(e.scope(), ByteBuffer.wrap(e.key()));
        SignedEntry held = entries.get(k);
        if (held != null && held.timestampNs() >= e.timestampNs()) {
            stats.outdated++; // checked before the signature: anti-entropy repeats are common and cheap to drop
            return List.of();
        }
        if (e.unsigned()) {
            stats.unsigned++;
            return List.of();
        }
        if (!e.verify()) {
            stats.forged++;
            return List.of();
        }
        if (e.scope().equals(me())) {
            // our own entry echoed back with a newer timestamp we did not write: a forgery or a clone of our key
            stats.forged++;
            return List.of();
        }
        if (held == null && !hasRoom(e.scope())) {
            stats.overCapacity++;
            return List.of();
        }
        store(e);
        stats.accepted++;
        return List.of(new Output.Event(new KvEvent.Updated(e)));
    }

    /**
     * Re-signs this peer's own entries with a fresh timestamp and broadcasts them to the swarm. Call it
     * when the first neighbour comes up: entries written while alone reached nobody, and anti-entropy
     * only reaches direct neighbours.
     */
    public List<Output> refreshOwn(long nowNs) {
        List<Output> out = new ArrayList<>();
        for (SignedEntry own : ownEntries()) {
            out.addAll(put(own.key(), own.value(), nowNs));
        }
        return out;
    }

    /** Call after a new neighbour comes up: it gets the whole state at once (fast anti-entropy). */
    public List<Output> onNeighborUp() {
        return antiEntropy();
    }

    /**
     * Periodic work; call about once a second. Refreshes own entries, re-sends everything to
     * neighbours every anti-entropy interval, and expires entries past the horizon.
     */
    public List<Output> tick(long nowNs) {
        List<Output> out = new ArrayList<>();
        if (nowNs >= nextRefreshNs) {
            if (nextRefreshNs != Long.MIN_VALUE) {
                out.addAll(refreshOwn(nowNs));
            }
            nextRefreshNs = nowNs + cfg.refreshIntervalNs();
        }
        if (nowNs >= nextAntiEntropyNs) {
            if (nextAntiEntropyNs != Long.MIN_VALUE) {
                out.addAll(antiEntropy());
            }
            nextAntiEntropyNs = nowNs + cfg.antiEntropyIntervalNs();
        }
        Iterator<Map.Entry<Key, SignedEntry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            SignedEntry e = it.next().getValue();
            if (!e.scope().equals(me()) && e.timestampNs() < nowNs - cfg.horizonNs()) {
                it.remove();
                keysPerScope.merge(e.scope(), -1, (a, b) -> a + b == 0 ? null : a + b);
                out.add(new Output.Event(new KvEvent.Expired(e.scope(), e.key(), e.timestampNs())));
            }
        }
        return out;
    }

    public Optional<SignedEntry> get(EndpointId scope, byte[] key) {
        return Optional.ofNullable(entries.get(new Key(scope, ByteBuffer.wrap(key))));
    }

    /** All entries currently held, own included. */
    public List<SignedEntry> entries() {
        return List.copyOf(entries.values());
    }

    private List<SignedEntry> ownEntries() {
        return entries.values().stream().filter(e -> e.scope().equals(me())).toList();
    }

    private List<Output> antiEntropy() {
        List<Output> out = new ArrayList<>(entries.size());
        for (SignedEntry e : entries.values()) {
            out.add(new Output.Broadcast(e.encode(), false));
        }
        return out;
    }

    private boolean hasRoom(EndpointId scope) {
        Integer keys = keysPerScope.get(scope);
        if (keys == null) {
            return keysPerScope.size() < cfg.maxScopes();
        }
        return keys < cfg.maxKeysPerScope();
    }

    private void store(SignedEntry e) {
        Key k = new Key(e.scope(), ByteBuffer.wrap(e.key()));
        if (entries.put(k, e) == null) {
            keysPerScope.merge(e.scope(), 1, Integer::sum);
        }
    }
}
