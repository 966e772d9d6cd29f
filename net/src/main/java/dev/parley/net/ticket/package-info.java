/**
 * How a peer is found: {@link dev.parley.net.ticket.EndpointAddr} (id, direct UDP addresses, relay
 * URLs) in iroh's exact postcard byte layout, and the shareable {@link dev.parley.net.ticket.LiveTicket}
 * string {@code parley:<base64url(addr)>/<broadcast>}. Pure data: no I/O, no Netty.
 */
package dev.parley.net.ticket;
