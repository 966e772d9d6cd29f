/**
 * moq-lite sessions (lite-03, -04 and -05 by ALPN, lite-02 through the legacy SETUP of a bare WebSocket)
 * over the {@link dev.parley.net.transport.Connection} SPI; the session's
 * {@link dev.parley.net.moq.wire.Version} goes to the wire codec and is asked where streams differ. A
 * {@link dev.parley.net.moq.session.MoqSession} plays both roles on one connection: it serves
 * announces, subscriptions (one uni stream per group, newest and highest priority first) and the probe
 * stream for the peer, and it subscribes to what the peer announces, feeding remote broadcasts into the
 * moq model. A group superseded by a newer one of its track that is still open after a grace is
 * dropped on both sides (the publisher resets its stream, the subscriber stops it and aborts the
 * group, both with {@code Old}), so stale video never queues up under loss. Every stream task runs on its own virtual thread; a bad stream is reset with its moq error
 * code and the rest of the session carries on. {@link dev.parley.net.moq.session.Moq} manages the
 * sessions of one endpoint: local broadcasts go to every session, dials are de-duplicated, and incoming
 * sessions can be accepted or rejected. Binding-agnostic: raw QUIC and QMux over WebSocket look the same;
 * {@link dev.parley.net.moq.session.MoqRelayUrl} says which of them a relay URL is dialed over, and
 * {@code Moq.connect(MoqRelayUrl)} races them when the URL allows both.
 * A served subscription has at most {@code Publisher.MAX_GROUPS_IN_FLIGHT} group streams opening or in
 * flight, so a subscriber that stops reading holds a bounded number of groups.
 * {@link dev.parley.net.moq.session.SessionHooks} let a relay gate what the peer may announce (a refusal
 * resets the announce stream with its code) and let a lite-05 client send a SETUP Path (scope and token
 * on raw QUIC); {@code unpublish} and {@code goaway} serve the relay's mirrors and drain. lite-04+:
 * {@code leave} sends GOAWAY and closes once the peer acknowledged it (the manager does so on shutdown); a
 * received GOAWAY makes the manager dial a new session. lite-05: the subscriber learns each track's
 * timescale from a TRACK stream and keeps frame timestamps in µs; the publisher serves TRACK, FETCH (a
 * cached group) and live SUBSCRIBE_UPDATEs (priority, end group).
 */
package dev.parley.net.moq.session;
