/**
 * Watching: track readers, H.264 decode pipelines that deliver BGRA frames through a seamless
 * switching gate into the latest-frame mailbox, Opus playout with the jitter buffer, live-edge
 * tracking for stale-group skipping, and the {@link dev.parley.media.watch.RemoteMedia} facade.
 */
package dev.parley.media.watch;
