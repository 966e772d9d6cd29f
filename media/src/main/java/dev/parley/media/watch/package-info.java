/**
 * Watching: {@link dev.parley.media.watch.RemoteMedia}, an actor ({@code net.actor.Actor}) whose sealed
 * commands drive a catalog follower, a video switcher (track readers and decode pipelines that deliver
 * BGRA frames through a seamless switching gate into the latest-frame mailbox; while adapting, the
 * lowest rendition is shown first and then kept on standby for an instant step down), an audio watcher
 * (Opus playout with the jitter buffer) and the pure control step {@code WatchControl} (the start-up
 * step, switch timeouts, failed decoders, ended tracks, adaptive switching); live-edge tracking for
 * stale-group skipping, for the A/V pacing ({@code AvPacing}: video waits for audio, never beyond 100 ms
 * behind its live edge) and for the arrival delays adaptation reads. Readers never wait without a deadline
 * ({@code net.moq.model.LiveRead}) and give up a group that stalls behind a newer one, so a lost stream
 * never freezes the picture or the sound.
 */
package dev.parley.media.watch;
