/**
 * Wiring: picks the implementations of the app's service interfaces. Adapters over the media, rooms
 * and net modules live here ({@link dev.parley.app.wiring.MediaDeviceService} for capture and preview,
 * {@link dev.parley.app.wiring.RoomsCallService} for rooms: one QUIC endpoint, room and local broadcast
 * per session, a watcher per remote broadcast); a service that is not wired in refuses with a clear
 * message.
 */
package dev.parley.app.wiring;
