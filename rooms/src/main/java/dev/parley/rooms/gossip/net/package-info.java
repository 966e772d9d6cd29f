/**
 * Gossip over the QUIC endpoint: {@link dev.parley.rooms.gossip.net.GossipNode} drives the
 * {@link dev.parley.rooms.gossip.proto.TopicState} machines on one actor thread, with a send thread per
 * peer link and a read thread per incoming stream, on ALPN {@code /iroh-gossip/1}.
 */
package dev.parley.rooms.gossip.net;
