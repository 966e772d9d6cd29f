/**
 * Presence: the {@link dev.parley.rooms.presence.PeerState} each peer publishes in its signed KV scope
 * (broadcast names and display name, with an explicit versioned encoding) and the leave marker.
 */
package dev.parley.rooms.presence;
