/**
 * Test helpers shared with other modules through net's test-jar: {@link dev.parley.net.testing.UdpProxy},
 * a loopback UDP forwarder that adds loss, delay and a rate limit between a QUIC client and server.
 */
package dev.parley.net.testing;
