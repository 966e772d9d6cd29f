/**
 * Test helpers shared with other modules through net's test-jar:
 * <ul>
 *   <li>{@link dev.parley.net.testing.UdpProxy}, a loopback UDP forwarder that adds loss, delay and a rate
 *       limit between a QUIC client and server;</li>
 *   <li>{@link dev.parley.net.testing.NetLab}, a real network made of namespaces (hosts on a simulated
 *       internet, homes behind nftables NAT, tbf bottlenecks, nftables loss and blackouts) with
 *       {@link dev.parley.net.testing.LabProcess} handles for the processes run inside it;
 *       {@link dev.parley.net.testing.LabUdp} is the UDP echo tool its own tests use.</li>
 * </ul>
 */
package dev.parley.net.testing;
