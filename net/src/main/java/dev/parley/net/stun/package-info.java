/**
 * STUN Binding (RFC 8489) for address discovery: the {@link dev.parley.net.stun.Stun} codec, which a
 * peer uses on its QUIC socket to learn the public ip:port its NAT maps that socket to, and the
 * {@link dev.parley.net.stun.StunServer} responder the relay runs on UDP.
 */
package dev.parley.net.stun;
