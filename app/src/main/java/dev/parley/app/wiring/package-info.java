/**
 * Adapters over the media, rooms and net modules that implement the app's service interfaces
 * ({@link dev.parley.app.Wiring}, next to {@code Main}, picks them) ({@link dev.parley.app.wiring.MediaDeviceService} for capture and preview,
 * {@link dev.parley.app.wiring.RoomsCallService} for rooms: one QUIC endpoint, room and local broadcast
 * per session, a watcher per remote broadcast; {@link dev.parley.app.wiring.MediaLinks}, the one
 * wiring of adaptation for the window and the headless commands, which use these adapters too); a
 * service that is not wired in refuses with a clear message.
 */
package dev.parley.app.wiring;
