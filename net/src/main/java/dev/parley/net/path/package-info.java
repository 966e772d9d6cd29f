/**
 * The endpoint's path layer: relay fallback, hole punching and LAN discovery under QUIC (iroh ≤ 0.95
 * "magicsock" design, substrate §4.3–4.6, §5.1; the full description is in docs/paths.md).
 *
 * <p>{@link dev.parley.net.path.PathLayer} heads the endpoint's UDP pipeline. QUIC sees each peer reached
 * through it at a stable stand-in address ({@link dev.parley.net.path.MappedAddresses}); the layer sends
 * that peer's packets on a trusted direct path, on direct and relay while none is trusted, or on the
 * relay alone, and hands received packets to QUIC as from the stand-in: from an address a signed
 * {@link dev.parley.net.path.Disco} Ping or Pong proved to be the peer, or from the relay with the peer's
 * id. A dial's Initial carries a marked destination connection id and follows a Ping, so the acceptor
 * maps the dialer's source before QUIC sees it (a marked Initial from an unknown source waits up to
 * 100 ms for that Ping). {@link dev.parley.net.path.PeerPaths} decides, as a pure state machine with
 * injected time, where packets go and what to ping. {@link dev.parley.net.path.MdnsDiscovery} adds LAN
 * candidates. All layer state lives on the endpoint's single event loop.
 */
package dev.parley.net.path;
