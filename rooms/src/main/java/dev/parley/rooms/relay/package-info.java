/**
 * The pure pieces of rooms through a moq-lite relay: {@link dev.parley.rooms.relay.RelayPaths} (the scope
 * {@code parley/rooms/<topic-hex>} and the {@code <participant>/<name>} paths shared with the relay's web
 * page) and {@link dev.parley.rooms.relay.HybridRoute} (a hybrid room's per-peer
 * choice between the direct link and the relay, with hysteresis and injected time). No threads or I/O:
 * {@link dev.parley.rooms.RelayRoom} and {@link dev.parley.rooms.HybridRoom} drive them.
 */
package dev.parley.rooms.relay;
