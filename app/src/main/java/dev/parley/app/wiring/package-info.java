/**
 * Wiring: picks the implementations of the app's service interfaces. Adapters over the media, rooms
 * and net modules live here; until a module is wired in, its service refuses with a clear message.
 */
package dev.parley.app.wiring;
