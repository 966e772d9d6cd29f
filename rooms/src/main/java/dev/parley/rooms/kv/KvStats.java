package dev.parley.rooms.kv;

/** Counters of what the KV accepted and dropped; owned by the KV's thread, read anywhere (approximate). */
public final class KvStats {
    volatile long accepted;
    volatile long outdated;
    volatile long malformed;
    volatile long oversized;
    volatile long stale;
    volatile long forged;
    volatile long unsigned;
    volatile long overCapacity;

    /** Newer entries applied. */
    public long accepted() {
        return accepted;
    }

    /** Valid entries no newer than what was held (normal with anti-entropy). */
    public long outdated() {
        return outdated;
    }

    /** Payloads that did not decode. */
    public long malformed() {
        return malformed;
    }

    /** Keys or values over the configured limits. */
    public long oversized() {
        return oversized;
    }

    /** Timestamps older than the horizon, or further than the horizon in the future. */
    public long stale() {
        return stale;
    }

    /** Signatures that do not verify under the scope's key. */
    public long forged() {
        return forged;
    }

    /** All-zero signatures. */
    public long unsigned() {
        return unsigned;
    }

    /** Entries refused because the scope or key table is full. */
    public long overCapacity() {
        return overCapacity;
    }

    /** Everything dropped for being invalid (not counting outdated repeats). */
    public long rejected() {
        return malformed + oversized + stale + forged + unsigned + overCapacity;
    }
}
