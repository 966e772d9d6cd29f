package dev.parley.media.codec;

import dev.parley.media.frame.AudioBlock;
import dev.parley.media.source.TestToneSource;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic received media for recorder tests: the test pattern encoded with libx264 (30 fps, a keyframe
 * every 2 s, SPS/PPS in-band) and a tone encoded with Opus (20 ms packets), both timestamped from the
 * same capture clock origin, delivered in timestamp order as a watcher would receive them.
 */
final class RecordingMedia {
    static final long ORIGIN_MICROS = 1_765_000_000_000_000L;

    sealed interface Unit permits Video, Audio {
        long micros();
    }

    record Video(EncodedVideo unit) implements Unit {
        public long micros() {
            return unit.timestampMicros();
        }
    }

    record Audio(EncodedAudio packet) implements Unit {
        public long micros() {
            return packet.timestampMicros();
        }
    }

    private RecordingMedia() {
    }

    /** {@code seconds} of interleaved media. */
    static List<Unit> make(int seconds) {
        List<Unit> units = new ArrayList<>();
        for (EncodedVideo v : TestVideoEncoder.encode("libx264", 320, 180, seconds * 30, 60)) {
            units.add(new Video(new EncodedVideo(v.data(), ORIGIN_MICROS + v.timestampMicros(), v.keyframe())));
        }
        TestToneSource tone = new TestToneSource(440, 0.3);
        try (OpusEncoder opus = new OpusEncoder(1, 32_000)) {
            for (int i = 0; i < seconds * 50; i++) {
                long ts = ORIGIN_MICROS + i * 20_000L;
                for (EncodedAudio p : opus.encode(new AudioBlock(tone.generate(960), 48_000, 1, ts))) {
                    units.add(new Audio(p));
                }
            }
        }
        units.sort(java.util.Comparator.comparingLong(Unit::micros));
        return units;
    }

    static void feed(Mp4Recorder recorder, Unit u) {
        switch (u) {
            case Video v -> recorder.video(v.unit(), 320, 180);
            case Audio a -> recorder.audio(a.packet());
        }
    }
}
