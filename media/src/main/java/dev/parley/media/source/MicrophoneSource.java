package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;

import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import java.util.List;

/** A microphone through javax.sound: 48 kHz mono 16-bit, read in 10 ms blocks ({@link AudioSource#BLOCK_FRAMES}). */
public final class MicrophoneSource extends AudioSource {
    private final DeviceInfo device;
    private TargetDataLine line;
    /** A line that returns no data for this long has lost its device (PulseAudio: the source was removed). */
    static final long STALL_NANOS = 1_000_000_000L;
    private final byte[] bytes = new byte[BLOCK_FRAMES * 2];
    private long lastDataNanos;
    /** Where the next block starts on this microphone's sample clock (wall-clock µs), or MIN_VALUE before the first. */
    private long nextMicros = Long.MIN_VALUE;

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
            // 200 ms: a capture thread starved for a while (a loaded machine) catches up instead of losing audio
            l.open(Devices.CAPTURE_FORMAT, (int) (bytes.length * (200_000 / BLOCK_MICROS)));
            l.start();
            line = l;
            lastDataNanos = System.nanoTime();
            nextMicros = Long.MIN_VALUE;
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new DeviceUnavailableException(DeviceKind.MICROPHONE, device.name(),
                    "cannot open: " + e.getMessage(), Devices.list(DeviceKind.MICROPHONE), e);
        }
    }

    @Override
    protected AudioBlock capture() {
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
        long micros = nextMicros = blockStart(nextMicros, Clock.nowMicros(), line.available() / 2 * 1_000_000L / SAMPLE_RATE);
        nextMicros += BLOCK_MICROS;
        return new AudioBlock(s, SAMPLE_RATE, 1, micros);
    }

    static final long REANCHOR_MICROS = 80_000;

    /**
     * When a block just read was captured: on the microphone's sample clock (the previous block's start
     * plus one block), so a capture thread that reads late or in bursts still stamps every block where it
     * was recorded, which the echo canceller's reference is lined up by. The clock is (re)anchored to
     * what the line says (now, minus the audio captured after this block and still in its buffer, minus
     * the block) at the first block and whenever the two differ by more than 80 ms (audio lost to an
     * overrun, clock drift).
     *
     * @param expected   the sample clock's start of this block, or MIN_VALUE for the first
     * @param nowMicros  wall clock now
     * @param bufferedMicros audio in the line's buffer, captured after this block
     */
    static long blockStart(long expected, long nowMicros, long bufferedMicros) {
        long measured = nowMicros - bufferedMicros - BLOCK_MICROS;
        return expected == Long.MIN_VALUE || Math.abs(measured - expected) > REANCHOR_MICROS ? measured : expected;
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
