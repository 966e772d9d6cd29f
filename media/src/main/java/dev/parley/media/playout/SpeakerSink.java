package dev.parley.media.playout;

import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.DeviceUnavailableException;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/** The default speaker through javax.sound: 48 kHz mono 16-bit with a 60 ms line buffer. */
public final class SpeakerSink implements AudioSink {
    private static final AudioFormat FORMAT = new AudioFormat(48_000, 16, 1, true, false);
    private final SourceDataLine line;
    private final String name;
    private byte[] bytes = new byte[0];

    private SpeakerSink(SourceDataLine line, String name) {
        this.line = line;
        this.name = name;
    }

    /** Opens the default output; throws {@link DeviceUnavailableException} when there is none. */
    public static SpeakerSink open() {
        try {
            SourceDataLine l = AudioSystem.getSourceDataLine(FORMAT);
            l.open(FORMAT, 48_000 * 2 * 60 / 1000);
            l.start();
            return new SpeakerSink(l, "speaker: " + l.getLineInfo());
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new DeviceUnavailableException(DeviceKind.SPEAKER, "default", String.valueOf(e.getMessage()),
                    dev.parley.media.source.Devices.list(DeviceKind.SPEAKER), e);
        }
    }

    /** The speaker if one opens, else a real-time null sink. */
    public static AudioSink openOrNull() {
        try {
            return open();
        } catch (DeviceUnavailableException e) {
            return new NullAudioSink();
        }
    }

    @Override
    public void write(short[] pcm) {
        if (bytes.length != pcm.length * 2) {
            bytes = new byte[pcm.length * 2];
        }
        for (int i = 0; i < pcm.length; i++) {
            bytes[2 * i] = (byte) pcm[i];
            bytes[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        line.write(bytes, 0, bytes.length);
    }

    @Override
    public long latencyMicros() {
        return (line.getBufferSize() - line.available()) / 2 * 1_000_000L / 48_000;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        line.stop();
        line.close();
    }
}
