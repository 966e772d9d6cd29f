/**
 * Capture sources: camera and screen through FFmpeg input devices (cameras FFmpeg cannot open
 * through webcam-capture, loaded lazily and fenced by a discovery deadline), the microphone through
 * javax.sound, and synthetic sources (a moving test pattern carrying a timestamp barcode, a test
 * tone). A source captures only while at least one sink is subscribed. Device enumeration and the
 * clear "not available" errors live here too.
 */
package dev.parley.media.source;
