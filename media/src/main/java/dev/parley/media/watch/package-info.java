/**
 * Watching: track readers, H.264 decode pipelines that deliver BGRA frames through a seamless
 * switching gate into the latest-frame mailbox, Opus playout with the jitter buffer, live-edge
 * tracking for stale-group skipping, and the {@link dev.parley.media.watch.RemoteMedia} facade. Readers
 * never wait without a deadline and give up a group that stalls behind a newer one, so a lost stream
 * never freezes the picture or the sound.
 */
package dev.parley.media.watch;
