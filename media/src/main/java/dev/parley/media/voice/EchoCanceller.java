package dev.parley.media.voice;

import dev.onvoid.webrtc.media.audio.AudioProcessing;
import dev.onvoid.webrtc.media.audio.AudioProcessingConfig;
import dev.onvoid.webrtc.media.audio.AudioProcessingStreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * WebRTC's audio processing module (AEC3 echo canceller, noise suppression, adaptive digital gain
 * control, high-pass filter) through webrtc-java, on 10 ms frames of 48 kHz mono. Feed the far end
 * (what is played) with {@link #render} and the microphone with {@link #capture}; both from one
 * thread (the capture thread), which keeps the native module free of concurrent calls. Not thread-safe.
 */
public final class EchoCanceller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EchoCanceller.class);
    public static final int SAMPLE_RATE = 48_000;
    public static final int FRAME_SAMPLES = FarEndMixer.FRAME_SAMPLES;
    private static volatile String loadFailure;

    private final AudioProcessing apm;
    private final AudioProcessingStreamConfig stream = new AudioProcessingStreamConfig(SAMPLE_RATE, 1);
    private final byte[] in = new byte[FRAME_SAMPLES * 2];
    private final byte[] out = new byte[FRAME_SAMPLES * 2];
    private boolean closed;

    private EchoCanceller(AudioProcessing apm) {
        this.apm = apm;
    }

    /**
     * A canceller, or empty when the native library cannot load on this platform (logged once with
     * the reason; the microphone then goes out unprocessed).
     */
    public static Optional<EchoCanceller> create() {
        if (loadFailure != null) {
            return Optional.empty();
        }
        try {
            AudioProcessing apm = new AudioProcessing();
            AudioProcessingConfig config = new AudioProcessingConfig();
            config.echoCanceller.enabled = true;
            config.noiseSuppression.enabled = true;
            config.noiseSuppression.level = AudioProcessingConfig.NoiseSuppression.Level.MODERATE;
            config.gainControl.enabled = true;
            config.gainControl.adaptiveDigital.enabled = true;
            // a gentle gain: up to +6 dB, changing at most 3 dB/s, so it evens out levels without pumping
            // (a faster, larger gain cut the near-end talker's correlation during double talk below 0.8)
            config.gainControl.adaptiveDigital.maxGainDb = 6;
            config.gainControl.adaptiveDigital.maxGainChangeDbPerSecond = 3;
            config.highPassFilter.enabled = true;
            apm.applyConfig(config);
            return Optional.of(new EchoCanceller(apm));
        } catch (LinkageError | RuntimeException e) {
            loadFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("echo cancellation unavailable, the microphone is sent unprocessed: webrtc-java audio processing failed to load ({} on {} {})",
                    loadFailure, System.getProperty("os.name"), System.getProperty("os.arch"));
            return Optional.empty();
        }
    }

    /** Why the native library did not load, or null if it did (or was not tried). */
    public static String loadFailure() {
        return loadFailure;
    }

    /** One 10 ms far-end frame, as it is about to be played. */
    public void render(short[] frame) {
        toBytes(frame, in);
        check(apm.processReverseStream(in, stream, stream, out), "reverse");
    }

    /** Processes one 10 ms microphone frame in place: echo removed, noise suppressed, level set. */
    public void capture(short[] frame, int offset) {
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            in[2 * i] = (byte) frame[offset + i];
            in[2 * i + 1] = (byte) (frame[offset + i] >> 8);
        }
        check(apm.processStream(in, stream, stream, out), "capture");
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            frame[offset + i] = (short) ((out[2 * i] & 0xff) | (out[2 * i + 1] << 8));
        }
    }

    private static void toBytes(short[] frame, byte[] bytes) {
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            bytes[2 * i] = (byte) frame[i];
            bytes[2 * i + 1] = (byte) (frame[i] >> 8);
        }
    }

    private static void check(int code, String what) {
        if (code != 0) {
            throw new IllegalStateException("audio processing " + what + " failed with code " + code);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            apm.dispose();
        }
    }
}
