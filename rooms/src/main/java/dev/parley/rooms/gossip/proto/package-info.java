/**
 * The gossip protocol as pure, deterministic state machines: {@link dev.parley.rooms.gossip.proto.TopicState}
 * combines HyParView membership and PlumTree broadcast for one topic. Inputs (commands, peer
 * messages, timers, link closes) go in; {@link dev.parley.rooms.gossip.proto.Action}s (send, disconnect,
 * emit, schedule) come out. The same code runs in the in-process simulation and behind the QUIC driver.
 */
package dev.parley.rooms.gossip.proto;
