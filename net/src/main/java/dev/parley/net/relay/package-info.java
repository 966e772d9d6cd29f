/**
 * The packet relay, compatible with the iroh relay protocol v2: when two peers cannot reach each other
 * directly, each keeps a WebSocket to a home relay, which forwards their opaque (QUIC-encrypted)
 * datagrams by {@link dev.parley.net.identity.EndpointId}.
 *
 * <ul>
 *   <li>{@link dev.parley.net.relay.RelayFrame} / {@link dev.parley.net.relay.RelayFrameCodec}: the frames
 *       (QUIC varint type ‖ payload, one per binary WebSocket message) and their 64 KiB packet / 1 MiB
 *       frame limits; {@link dev.parley.net.relay.RelayAuth}: the Ed25519 challenge signature.</li>
 *   <li>{@link dev.parley.net.relay.RelayServer}: the relay ({@code parley relay}): {@code /relay},
 *       {@code /ping}, {@code /generate_204}, {@code /metrics} and pluggable
 *       {@link dev.parley.net.relay.HttpRoute}s on one port, per-client queue and rate limit,
 *       {@link dev.parley.net.relay.RelayMetrics}.</li>
 *   <li>{@link dev.parley.net.relay.RelayClient} / {@link dev.parley.net.relay.RelayLink}: an endpoint's
 *       self-healing link to its home relay.</li>
 * </ul>
 * Everything runs on Netty event loops and never blocks them; a datagram crosses from one connection's
 * loop to another's through the destination's bounded, lock-free {@code OutboundQueue} (drops counted
 * when full). Threads and bounds: {@code docs/threading/relay.md}.
 */
package dev.parley.net.relay;
