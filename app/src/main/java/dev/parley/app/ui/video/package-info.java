/**
 * Video rendering: {@link dev.parley.app.ui.video.VideoSurface} copies the newest BGRA frame from a
 * latest-frame mailbox into a PixelBuffer-backed image once per pulse.
 */
package dev.parley.app.ui.video;
