package dev.parley.media.publish;

import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackProducer;

import java.util.function.Consumer;

/**
 * Writes H.264 access units to a moq track in hang form: one group per GOP, opened by each
 * keyframe, every frame in the legacy container stamped on the broadcast's {@link MediaTimeline}. Units
 * before the first keyframe are dropped.
 * Runs on the encoder's thread. Once the track ends (closed, aborted or evicted by its broadcast)
 * it stops writing silently; the owner stops the encoder through {@code unused()}.
 */
public final class VideoTrackWriter implements Consumer<EncodedVideo> {
    private final TrackProducer track;
    private final MediaTimeline timeline;
    private GroupProducer group;
    private volatile boolean ended;

    public VideoTrackWriter(TrackProducer track, MediaTimeline timeline) {
        this.track = track;
        this.timeline = timeline;
    }

    @Override
    public void accept(EncodedVideo unit) {
        if (ended) {
            return;
        }
        try {
            if (unit.keyframe()) {
                if (group != null) {
                    group.close();
                }
                group = track.appendGroup();
            }
            if (group != null) {
                long ts = timeline.toMedia(unit.timestampMicros());
                group.writeFrame(new LegacyFrame(ts, unit.data()).encode(), ts);
            }
        } catch (MoqException e) {
            ended = true;
        }
    }

    /** Closes the open group (end of GOP); the track itself belongs to the caller. */
    public void finish() {
        ended = true;
        if (group != null) {
            group.close();
        }
    }

    public boolean ended() {
        return ended || track.isEnded();
    }
}
