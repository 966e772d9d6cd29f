package dev.parley.media.publish;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.hang.AudioTimeline;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.hang.OpusPacket;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackProducer;

import java.util.function.Consumer;

/**
 * Writes Opus packets to a moq track in hang form: groups of {@value #GROUP_MICROS} µs of packets
 * ({@value #FRAMES_PER_GROUP} of 20 ms, 10 of 10 ms), so a late joiner or a skip after congestion loses at most 100 ms; every packet in the
 * legacy container, timestamped on a gapless sample timeline ({@link AudioTimeline}) counted on the
 * broadcast's {@link MediaTimeline} (the same clock as its video).
 */
public final class AudioTrackWriter implements Consumer<EncodedAudio> {
    public static final long GROUP_MICROS = 100_000;
    /** Packets per group at Parley's 20 ms packets. */
    public static final int FRAMES_PER_GROUP = 5;
    private final TrackProducer track;
    private final MediaTimeline media;
    private final AudioTimeline timeline = new AudioTimeline();
    private GroupProducer group;
    private long groupMicros;
    private volatile boolean ended;

    public AudioTrackWriter(TrackProducer track, MediaTimeline media) {
        this.track = track;
        this.media = media;
    }

    @Override
    public void accept(EncodedAudio packet) {
        if (ended) {
            return;
        }
        try {
            if (group == null || groupMicros >= GROUP_MICROS) {
                if (group != null) {
                    group.close();
                }
                group = track.appendGroup();
                groupMicros = 0;
            }
            long duration = OpusPacket.durationMicros(packet.data());
            groupMicros += duration;
            long ts = media.toMedia(timeline.stamp(packet.timestampMicros(), duration));
            group.writeFrame(new LegacyFrame(ts, packet.data()).encode(), ts);
        } catch (MoqException e) {
            ended = true;
        }
    }

    public void finish() {
        ended = true;
        if (group != null) {
            group.close();
        }
    }
}
