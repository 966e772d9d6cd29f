package dev.parley.media.publish;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.hang.AudioRendition;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.hang.OpusPacket;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Parley broadcast offers its audio twice: 10 ms Opus packets first (what a hang web player takes,
 * declaring a 10 ms {@code jitter}) and Parley's own 20 ms packets (declaring 20 ms), both from the same
 * 10 ms capture blocks, on the same timeline (real libopus, read straight off the moq model).
 */
@Timeout(60)
class ShortAudioTrackTest {

    @Test
    void bothAudioTracksCarryPacketsOfTheirDeclaredDurationOnOneTimeline() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180);
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            BroadcastConsumer consumer = local.broadcast().consume();
            TrackConsumer cat = consumer.subscribe(new TrackInfo(Catalog.TRACK, 100));
            Catalog catalog = Catalog.parse(cat.nextGroup(Duration.ofSeconds(5)).readFrame(Duration.ofSeconds(5)));
            assertThat(catalog.audioRenditions().keySet()).as("the 10 ms track first: hang players take the first")
                    .containsExactly(HangPublication.SHORT_AUDIO_TRACK, HangPublication.AUDIO_TRACK);
            assertThat(catalog.audioRenditions().values()).extracting(AudioRendition::jitter).containsExactly(10L, 20L);

            TrackConsumer shortTrack = consumer.subscribe(new TrackInfo(HangPublication.SHORT_AUDIO_TRACK, TrackInfo.PRIORITY_AUDIO))
                    .maxLatency(Duration.ofSeconds(5)); // every group in order, none skipped for the live edge
            TrackConsumer longTrack = consumer.subscribe(new TrackInfo(HangPublication.AUDIO_TRACK, TrackInfo.PRIORITY_AUDIO))
                    .maxLatency(Duration.ofSeconds(5));
            List<long[]> shortPackets = read(shortTrack, 20);
            List<long[]> longPackets = read(longTrack, 10);
            assertThat(shortPackets).allSatisfy(p -> assertThat(p[1]).isEqualTo(10_000L));
            assertThat(longPackets).allSatisfy(p -> assertThat(p[1]).isEqualTo(20_000L));
            for (int i = 1; i < shortPackets.size(); i++) {
                assertThat(shortPackets.get(i)[0] - shortPackets.get(i - 1)[0]).as("gapless 10 ms timeline").isEqualTo(10_000L);
            }
            for (int i = 1; i < longPackets.size(); i++) {
                assertThat(longPackets.get(i)[0] - longPackets.get(i - 1)[0]).as("gapless 20 ms timeline").isEqualTo(20_000L);
            }
            // one clock: the two tracks started within a second of each other on the broadcast's timeline
            assertThat(Math.abs(shortPackets.getFirst()[0] - longPackets.getFirst()[0])).isLessThan(1_000_000L);
            // a group is 100 ms whatever the packet size (a late joiner loses at most that)
            GroupConsumer g = shortTrack.nextGroup(Duration.ofSeconds(5));
            int frames = 0;
            while (g.readFrame(Duration.ofSeconds(2)) != null) {
                frames++;
            }
            assertThat(frames).isEqualTo(10);
        }
    }

    /** {timestamp, duration} of the first {@code n} packets, across groups. */
    private static List<long[]> read(TrackConsumer track, int n) {
        List<long[]> out = new ArrayList<>();
        while (out.size() < n) {
            GroupConsumer g = track.nextGroup(Duration.ofSeconds(10));
            assertThat(g).as("a group of " + track.info().name()).isNotNull();
            byte[] f;
            while (out.size() < n && (f = g.readFrame(Duration.ofSeconds(5))) != null) {
                LegacyFrame frame = LegacyFrame.decode(f);
                out.add(new long[]{frame.timestampMicros(), OpusPacket.durationMicros(frame.payload())});
            }
        }
        return out;
    }
}
