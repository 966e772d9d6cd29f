package dev.parley.media.playout;

import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.DeviceUnavailableException;
import dev.parley.media.source.Devices;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/** The default speaker through javax.sound: 48 kHz mono 16-bit with a 60 ms line buffer. */
public final class SpeakerSink implements AudioSink {
    private static final AudioFormat FORMAT = new AudioFormat(48_000, 16, 1, true, false);
    private final SourceDataLine line;
    private final String name;
    private final String device;
    private byte[] bytes = new byte[0];

    private SpeakerSink(SourceDataLine line, String name, String device) {
        this.line = line;
        this.name = name;
        this.device = device;
    }

    /** Opens the default output; throws {@link DeviceUnavailableException} when there is none. */
    public static SpeakerSink open() {
        return open(null);
    }

    /**
     * Opens an output by mixer name, name fragment or index (null: the system default); throws
     * {@link DeviceUnavailableException} when it does not exist or cannot open.
     */
    public static SpeakerSink open(String choice) {
        String device = choice == null ? "default" : choice;
        try {
            SourceDataLine l;
            if (choice == null) {
                l = AudioSystem.getSourceDataLine(FORMAT);
            } else {
                String mixer = Devices.choose(DeviceKind.SPEAKER, choice).id();
                device = mixer;
                Mixer.Info info = null;
                for (Mixer.Info m : AudioSystem.getMixerInfo()) {
                    if (m.getName().equals(mixer)) {
                        info = m;
                    }
                }
                if (info == null) {
                    throw new LineUnavailableException("mixer disappeared");
                }
                l = (SourceDataLine) AudioSystem.getMixer(info).getLine(new DataLine.Info(SourceDataLine.class, FORMAT));
            }
            l.open(FORMAT, 48_000 * 2 * 60 / 1000);
            l.start();
            return new SpeakerSink(l, "speaker: " + (choice == null ? l.getLineInfo() : device), device);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new DeviceUnavailableException(DeviceKind.SPEAKER, device, String.valueOf(e.getMessage()),
                    Devices.list(DeviceKind.SPEAKER), e);
        }
    }

    /**
     * The speaker the process plays on ({@link SpeakerRoute#shared()}: it follows the user's choice and
     * falls back when the output fails), or a real-time null sink while none opens.
     */
    public static AudioSink openOrNull() {
        return new RoutedSpeaker(SpeakerRoute.shared());
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
        int written = line.write(bytes, 0, bytes.length);
        if (written < bytes.length && line.isOpen()) {
            // an unplugged output takes nothing and returns at once
            throw new DeviceUnavailableException(DeviceKind.SPEAKER, device, "the output stopped taking audio: unplugged?",
                    java.util.List.of(), null);
        }
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
