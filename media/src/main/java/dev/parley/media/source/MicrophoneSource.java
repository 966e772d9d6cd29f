package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;

import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import java.util.List;

/** A microphone through javax.sound: 48 kHz mono 16-bit, read in 20 ms blocks. */
public final class MicrophoneSource extends AudioSource {
    private final DeviceInfo device;
    private TargetDataLine line;
    /** A line that returns no data for this long has lost its device (PulseAudio: the source was removed). */
    static final long STALL_NANOS = 1_000_000_000L;
    private final byte[] bytes = new byte[BLOCK_FRAMES * 2];
    private long lastDataNanos;

    private MicrophoneSource(DeviceInfo device) {
        super(device.name());
        this.device = device;
    }

    /** A microphone chosen by name, name fragment or index ({@code null} = first). */
    public static MicrophoneSource open(String choice) {
        return new MicrophoneSource(Devices.choose(DeviceKind.MICROPHONE, choice));
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    protected void open() {
        try {
            Mixer.Info info = null;
            for (Mixer.Info m : AudioSystem.getMixerInfo()) {
                if (m.getName().equals(device.id())) {
                    info = m;
                }
            }
            if (info == null) {
                throw new LineUnavailableException("mixer disappeared");
            }
            TargetDataLine l = (TargetDataLine) AudioSystem.getMixer(info)
                    .getLine(new DataLine.Info(TargetDataLine.class, Devices.CAPTURE_FORMAT));
            l.open(Devices.CAPTURE_FORMAT, bytes.length * 4);
            l.start();
            line = l;
            lastDataNanos = System.nanoTime();
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new DeviceUnavailableException(DeviceKind.MICROPHONE, device.name(),
                    "cannot open: " + e.getMessage(), Devices.list(DeviceKind.MICROPHONE), e);
        }
    }

    @Override
    protected AudioBlock capture() {
        long micros = Clock.nowMicros();
        int read = 0;
        while (read < bytes.length && running()) {
            int n = line.read(bytes, read, bytes.length - read);
            if (n <= 0 && !line.isOpen()) {
                throw new DeviceUnavailableException(DeviceKind.MICROPHONE, device.name(), "line closed", List.of(), null);
            }
            if (n > 0) {
                read += n;
                lastDataNanos = System.nanoTime();
            } else if (System.nanoTime() - lastDataNanos > STALL_NANOS) {
                // an unplugged device's line stays open and returns nothing at once, forever
                throw new DeviceUnavailableException(DeviceKind.MICROPHONE, device.name(),
                        "no audio for " + STALL_NANOS / 1_000_000 + " ms: unplugged?", List.of(), null);
            } else if (!sleepUntil(System.nanoTime() + 5_000_000L)) {
                return null;
            }
        }
        if (read < bytes.length) {
            return null;
        }
        short[] s = new short[BLOCK_FRAMES];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] << 8));
        }
        return new AudioBlock(s, SAMPLE_RATE, 1, micros - 20_000);
    }

    @Override
    protected void closeDevice() {
        if (line != null) {
            line.stop();
            line.close();
            line = null;
        }
    }
}
