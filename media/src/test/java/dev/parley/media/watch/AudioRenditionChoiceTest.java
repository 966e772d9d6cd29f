package dev.parley.media.watch;

import dev.parley.media.hang.AudioRendition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Parley's watcher takes the audio whose packets its 20 ms playout tick plays, wherever it is listed. */
class AudioRenditionChoiceTest {
    static Map.Entry<String, AudioRendition> opus(String name, Long jitter) {
        return Map.entry(name, AudioRendition.opus(48_000, 1, 32_000).withJitter(jitter));
    }

    @Test
    void prefersTwentyMillisecondPacketsOverTheShorterOnesListedFirst() {
        assertThat(AudioWatcher.choose(List.of(opus("audio/opus-10ms", 10L), opus("audio/opus", 20L))).getKey())
                .isEqualTo("audio/opus");
        // no jitter declared: hang's Opus default, 20 ms
        assertThat(AudioWatcher.choose(List.of(opus("a", 10L), opus("b", null))).getKey()).isEqualTo("b");
        assertThat(AudioWatcher.choose(List.of(opus("a", null), opus("b", 20L))).getKey()).isEqualTo("a");
    }

    @Test
    void takesTheFirstWhenNoneHasTwentyMillisecondPacketsAndNothingWhenNoneIsPlayable() {
        assertThat(AudioWatcher.choose(List.of(opus("a", 10L), opus("b", 5L))).getKey()).isEqualTo("a");
        assertThat(AudioWatcher.choose(List.of())).isNull();
    }
}
