/**
 * Rooms: multi-party calls over gossip. {@link dev.parley.rooms.Room} is an actor with a
 * {@link dev.parley.rooms.RoomHandle} for commands and {@link dev.parley.rooms.RoomEvents} for events
 * ({@link dev.parley.rooms.RoomEvent}); it keeps each peer's signed state, subscribes to every broadcast
 * others announce, and carries chat on a moq track. Presence and links are decided by the pure state
 * machine {@code PeerLinks} (events in, actions out), which the room drives. A room through a moq-lite
 * relay is a {@link dev.parley.rooms.RelayRoom} or a {@link dev.parley.rooms.HybridRoom}; the app holds any
 * of the three as a {@link dev.parley.rooms.JoinedRoom}. Sub-packages hold the gossip protocol, the signed
 * KV, presence, chat (including reading a peer's chat), tickets and the relay modes' pure pieces.
 */
package dev.parley.rooms;
