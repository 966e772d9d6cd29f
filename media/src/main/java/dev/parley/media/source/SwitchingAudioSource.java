package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A microphone slot whose device can change during a call: subscribers (the encoder, the level meter)
 * stay subscribed to this source while {@link #switchTo} or a failure replaces the device behind it
 * (see {@link SourceSwitch}). Mono only: every microphone path is mono.
 */
public final class SwitchingAudioSource extends AudioSource {
    private final SourceSwitch<AudioBlock> devices;

    /**
     * @param replacement the source to use once the named devices have failed in this call; it must end
     *                    with a source that does not fail (the test tone)
     */
    public SwitchingAudioSource(AudioSource first, Function<Set<String>, AudioSource> replacement) {
        super("microphone");
        if (first.channels() != 1) {
            throw new IllegalArgumentException("only mono microphones can be switched: " + first.name());
        }
        this.devices = new SourceSwitch<>(DeviceKind.MICROPHONE, first, b -> b, b -> { }, replacement::apply);
    }

    /** The device in use now. */
    public AudioSource current() {
        return (AudioSource) devices.current();
    }

    /** Replaces the device at once; the one in use is closed. */
    public void switchTo(AudioSource next) {
        if (next.channels() != 1) {
            throw new IllegalArgumentException("only mono microphones can be switched: " + next.name());
        }
        devices.switchTo(next);
    }

    /** Called (on a capture thread) after every change, chosen or a fallback. */
    public void onChange(Consumer<? super DeviceChange> listener) {
        devices.onChange(listener);
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    protected void open() {
        devices.open();
    }

    @Override
    protected AudioBlock capture() {
        try {
            return devices.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    protected void closeDevice() {
        devices.stop();
    }

    @Override
    public void close() {
        super.close();
        devices.close();
    }
}
