package dev.parley.media.publish;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TestToneSource;
import dev.parley.media.stats.AudioLevel;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.moq.model.BroadcastConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.parley.media.publish.PublishWatchRoundTripTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The level meters on both sides of a real libopus round trip through the moq model. */
@Timeout(120)
class AudioLevelRoundTripTest {
    /** A 0.3 full-scale sine: peak −10.5 dBFS, RMS −13.5 dBFS. */
    private static final double TONE_RMS = 20 * Math.log10(0.3 / Math.sqrt(2));

    @Test
    void theRemoteLevelFollowsTheTonePublishedAndMutingSilencesBothSides() throws Exception {
        TestToneSource tone = new TestToneSource(1000, 0.3);
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180);
        try (LocalMedia local = LocalMedia.withSources(new TestPatternSource(320, 180, 10), tone, opts)) {
            local.setCameraOn(false); // audio only: nothing to decode but the tone
            assertThat(local.micLevel()).as("not metering yet").isEqualTo(AudioLevel.SILENT);
            local.meterMicrophone(true);
            await("the local meter reads the tone before anyone watches",
                    () -> Math.abs(local.micLevel().rmsDbfs() - TONE_RMS) < 1.0);
            assertThat(local.micLevel().peakDbfs()).isCloseTo(-10.5, org.assertj.core.data.Offset.offset(1.0));

            BroadcastConsumer consumer = local.broadcast().consume();
            try (RemoteMedia remote = new RemoteMedia(consumer, WatchOptions.defaults().withAudioSink(new NullAudioSink()))) {
                await("the remote level reaches the tone's",
                        () -> Math.abs(remote.audioLevel().rmsDbfs() - TONE_RMS) < 2.0);

                tone.setAmplitude(0);
                await("silence on both sides", () -> remote.audioLevel().rmsDbfs() < -70
                        && local.micLevel().rmsDbfs() < -70);
                tone.setAmplitude(0.3);
                await("the tone again", () -> Math.abs(remote.audioLevel().rmsDbfs() - TONE_RMS) < 2.0);

                local.setMicOn(false);
                assertThat(local.micLevel()).as("muted reads silent at once").isEqualTo(AudioLevel.SILENT);
                await("the watcher reads silent once the catalog drops audio",
                        () -> remote.audioLevel().equals(AudioLevel.SILENT));
                await("the microphone is released", () -> !tone.isCapturing());

                local.setMicOn(true);
                await("unmuted, both read the tone", () -> Math.abs(local.micLevel().rmsDbfs() - TONE_RMS) < 1.0
                        && Math.abs(remote.audioLevel().rmsDbfs() - TONE_RMS) < 2.0);
            }
            consumer.close();
        }
    }
}
