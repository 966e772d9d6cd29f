package dev.parley.net.moq.session;

import dev.parley.net.moq.model.TrackInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A superseded group yields to newer ones of its track, but audio never falls behind video. */
class SupersededPriorityTest {
    private static long band(long priority) {
        return (priority >>> StreamPriority.PRIORITY_SHIFT) >> 5; // what a QUIC binding's urgency is made of
    }

    @Test
    void aSupersededVideoGroupDropsBelowEveryFreshVideoGroup() {
        long old = StreamPriority.superseded(StreamPriority.of(TrackInfo.PRIORITY_VIDEO, TrackInfo.PRIORITY_VIDEO, 7));
        long fresh = StreamPriority.of(TrackInfo.PRIORITY_VIDEO, TrackInfo.PRIORITY_VIDEO, 8);
        assertThat(band(old)).isLessThan(band(fresh));
        assertThat(old & 0xff_ffff_ffffL).as("the group sequence is kept").isEqualTo(7);
    }

    @Test
    void aSupersededAudioGroupStillGoesBeforeAnyVideoGroup() {
        long oldAudio = StreamPriority.superseded(StreamPriority.of(TrackInfo.PRIORITY_AUDIO, TrackInfo.PRIORITY_AUDIO, 1));
        long newVideo = StreamPriority.of(TrackInfo.PRIORITY_VIDEO, TrackInfo.PRIORITY_VIDEO, 1_000);
        assertThat(band(oldAudio)).isGreaterThan(band(newVideo));
        assertThat(StreamPriority.superseded(oldAudio)).as("repeated demotion stays put").isEqualTo(oldAudio);
        assertThat(band(StreamPriority.superseded(StreamPriority.of(TrackInfo.PRIORITY_CATALOG, 100, 0))))
                .isGreaterThan(band(newVideo));
        assertThat(StreamPriority.superseded(StreamPriority.of(10, 10, 3)) >>> StreamPriority.PRIORITY_SHIFT).isZero();
    }
}
