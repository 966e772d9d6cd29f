/**
 * Parley's Media-over-QUIC relay: moq-lite 03/04/05 over raw QUIC and QMux over WebSocket, one shared
 * origin, scopes by connection path and permissions by a pluggable {@link dev.parley.net.moq.relay.ScopeResolver}
 * (seed 003; the default reads moq-relay's JWT claims), fan-out through the moq model (one upstream
 * subscription per track, bounded per-subscriber buffering), and pull by ticket (seed 001).
 *
 * <p>Wire-visible behaviour, as a moq-lite client sees it:
 * <ul>
 *   <li>The scope is the WebSocket URL path, the lite-05 SETUP Path on raw QUIC, else {@code /}; it must
 *       pass {@link dev.parley.net.moq.relay.ScopePath}. Broadcast paths on the wire are relative to it;
 *       a connection at a parent path sees the children's broadcasts (moq-relay's nesting), sibling
 *       scopes never see each other.</li>
 *   <li>A session that cannot be resolved is closed with {@link dev.parley.net.moq.relay.RelayCodes#PROTOCOL_VIOLATION}
 *       (0x3) and the reason. A token's {@code exp} closes the session with {@code Unauthorized} (6),
 *       "token expired".</li>
 *   <li>An announce the session may not make (a read-only session, or a path outside {@code put})
 *       resets the relay's announce stream to that client with {@code Unauthorized} (6); the reason is
 *       logged and kept in {@link dev.parley.net.moq.relay.MoqRelay#refusals()}. The client's other
 *       streams go on.</li>
 *   <li>{@code ?pull=<parley ticket>} on the connection URL (or SETUP Path) makes the relay fetch that
 *       broadcast from its publisher and announce it to the client under the ticket string itself. Query
 *       values are form-decoded ({@code %3A} is {@code :}), as moq-relay's URL parser does.</li>
 *   <li>Hop lists (spec §14): the relay has a random origin id below 2^53
 *       ({@link dev.parley.net.moq.relay.MoqRelay#originId()}); what it announces carries the broadcast's
 *       hop list plus that id (lite-04 appended to the list, lite-03 only the count, lite-05 as
 *       ANNOUNCE_OK's Hop ID, which the receiver appends). Its ANNOUNCE_PLEASE asks the peer to exclude
 *       its id, and it honours the peer's Exclude Hop. It drops an announce whose hop list holds its own
 *       id or has {@value dev.parley.net.moq.relay.MoqRelay#MAX_HOPS} hops or more. One for a path already
 *       active with fewer hops or the same hop list (the same broadcast by a second link) is kept as a
 *       backup, used once the route in use ends; on lite-03, whose hops carry no ids, such a longer path
 *       is dropped instead (it may be the relay's own echo).</li>
 *   <li>Backup takeover: a broadcast that came through another relay (hop ids, lite-04+) is offered through one
 *       {@code RoutedBroadcast} front per path, and a backup with the same hop
 *       list is a second route of that front: when the route in use ends, downstream sees no announce
 *       change and no end of track (each track is re-subscribed on the backup and goes on from the group
 *       it reached; the group in flight on the ended route may be lost). A backup with a longer hop list
 *       waits in the origin and is re-announced when it takes over, as moq-relay re-announces every
 *       takeover, so downstream learns its hops.</li>
 *   <li>{@link dev.parley.net.moq.relay.MoqRelay#connectUpstream} links the relay to another one
 *       ({@code parley relay --upstream URL}): a client session at the URL's path carrying the whole
 *       origin both ways, re-dialed with backoff; two relays may link to each other.</li>
 *   <li>On drain, lite-04+ sessions get a GOAWAY (naming the new-session URI the operator gave, if any) and new connections are closed with
 *       {@code Closed} (25), "relay is shutting down".</li>
 * </ul>
 *
 * <p>{@link dev.parley.net.moq.relay.WebPage} serves the relay's web page (the hang player and
 * {@code @moq/publish}, bundled by the app's build) on the WebSocket port for plain HTTP requests.
 */
package dev.parley.net.moq.relay;
