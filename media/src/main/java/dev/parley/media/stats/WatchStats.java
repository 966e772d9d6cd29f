package dev.parley.media.stats;

/**
 * The watching side.
 *
 * @param rendition        video track being decoded (null when none)
 * @param decoder          decoder name
 * @param decodeMillis     smoothed decode + BGRA conversion time per frame
 * @param decodeFps        frames decoded per second
 * @param renderFps        frames taken by the renderer per second
 * @param framesDropped    frames replaced in the mailbox before the renderer took them
 * @param latencyMillis    capture → decoded, from the capture timestamps (includes clock offset between machines)
 * @param avOffsetMillis   video timestamp minus audio clock at delivery (positive = video ahead)
 * @param audioBufferMillis current jitter-buffer depth
 * @param audioTargetMillis jitter-buffer target (20–200 ms, adapts to arrival jitter)
 * @param audioConcealed   20 ms frames synthesised by Opus PLC
 * @param audioRecovered   lost 20 ms frames rebuilt from the next packet's Opus in-band FEC
 * @param groupsSkipped    groups skipped for being older than the max latency
 * @param switches         rendition switches completed
 * @param audioOutput      name of the audio sink
 * @param groupsStalled    video and audio groups given up because they stalled while a newer group had started
 * @param audioPlayed      Opus packets decoded and played (20 ms each); grows by about 50 a second while audio flows
 */
public record WatchStats(String rendition, String decoder, double decodeMillis, double decodeFps, double renderFps,
                         long framesDropped, long latencyMillis, long avOffsetMillis, int audioBufferMillis,
                         int audioTargetMillis, long audioConcealed, long audioRecovered, long groupsSkipped, long switches,
                         String audioOutput, long groupsStalled, long audioPlayed) {
}
