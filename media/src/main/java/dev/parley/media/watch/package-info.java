/**
 * Watching: the {@link dev.parley.media.watch.RemoteMedia} facade over a catalog follower, a video
 * switcher (track readers and H.264 decode pipelines that deliver BGRA frames through a seamless
 * switching gate into the latest-frame mailbox), an audio watcher (Opus playout with the jitter buffer)
 * and the pure control step {@code WatchControl} (switch timeouts, failed decoders, ended tracks,
 * adaptive switching); live-edge tracking for stale-group skipping and the arrival delays adaptation reads.
 * Readers never wait without a deadline and give up a group that stalls behind a newer one, so a lost
 * stream never freezes the picture or the sound.
 */
package dev.parley.media.watch;
