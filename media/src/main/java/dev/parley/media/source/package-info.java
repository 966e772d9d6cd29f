/**
 * Capture sources: camera and screen through FFmpeg input devices (cameras FFmpeg cannot open
 * through webcam-capture, loaded lazily and fenced by a discovery deadline), the microphone through
 * javax.sound, and synthetic sources (a moving test pattern carrying a timestamp barcode, a test
 * tone). A source captures only while at least one sink is subscribed. Device enumeration and the
 * clear "not available" errors live here too, and the switching slots a call captures through
 * ({@link dev.parley.media.source.SwitchingVideoSource}, {@link dev.parley.media.source.SwitchingAudioSource}):
 * the device behind them changes (chosen, or after a failure by {@link dev.parley.media.source.DeviceFallback})
 * while their subscribers stay.
 */
package dev.parley.media.source;
