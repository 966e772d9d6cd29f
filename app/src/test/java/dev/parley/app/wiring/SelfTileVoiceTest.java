package dev.parley.app.wiring;

import dev.parley.media.voice.EchoStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlay's echo-cancellation line for each state the voice processing can be in. */
class SelfTileVoiceTest {
    @Test
    void saysWhetherEchoCancellationRunsAndHowMuchEchoItRemoves() {
        assertThat(SelfTile.voice(true, new EchoStats(true, 31.4, null))).isEqualTo("echo cancel active · ERLE 31 dB");
        assertThat(SelfTile.voice(true, new EchoStats(true, Double.NaN, null))).isEqualTo("echo cancel active · no far end yet");
        assertThat(SelfTile.voice(true, EchoStats.OFF)).isEqualTo("echo cancel on (idle: no microphone)");
        assertThat(SelfTile.voice(false, EchoStats.OFF)).isEqualTo("echo cancel off");
        assertThat(SelfTile.voice(true, new EchoStats(false, Double.NaN, "UnsatisfiedLinkError: no libwebrtc")))
                .isEqualTo("echo cancel unavailable (UnsatisfiedLinkError: no libwebrtc)");
    }
}
