package dev.parley.rooms.kv;

import dev.parley.net.identity.EndpointId;

/** A change in the replicated KV, in the order it was applied. */
public sealed interface KvEvent {

    /** A newer value for {@code (scope, key)} was accepted (from gossip or a local put). */
    record Updated(SignedEntry entry) implements KvEvent {}

    /** The entry passed the horizon without a refresh: its writer is gone or cut off. */
    record Expired(EndpointId scope, byte[] key, long timestampNs) implements KvEvent {}
}
