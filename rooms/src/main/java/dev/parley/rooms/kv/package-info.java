/**
 * Signed peer state replicated over gossip (iroh-smol-kv semantics and wire format): each peer
 * writes only its own scope, every entry is Ed25519-signed and timestamped, the newest wins,
 * anti-entropy re-sends state to neighbours, and entries expire after a horizon unless their writer
 * refreshes them. Forged, unsigned, oversized, stale and malformed entries are dropped and counted in
 * {@link dev.parley.rooms.kv.KvStats}.
 */
package dev.parley.rooms.kv;
