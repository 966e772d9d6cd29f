package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A camera slot whose device can change during a call: the renditions' encoders and the self view stay
 * subscribed to this source while {@link #switchTo} or a failure replaces the camera behind it (see
 * {@link SourceSwitch}). Its nominal size and rate are the first device's (what the renditions were
 * planned for); frames of another size are scaled by the encoders as they come.
 */
public final class SwitchingVideoSource extends VideoSource {
    private final SourceSwitch<VideoFrame> devices;

    /**
     * @param replacement the source to use once the named devices have failed in this call; it must end
     *                    with a source that does not fail (the test pattern)
     */
    public SwitchingVideoSource(VideoSource first, Function<Set<String>, VideoSource> replacement) {
        super("camera", first.width(), first.height(), first.fps());
        this.devices = new SourceSwitch<>(DeviceKind.CAMERA, first, VideoFrame::retain, VideoFrame::close,
                replacement::apply);
    }

    /** The device in use now. */
    public VideoSource current() {
        return (VideoSource) devices.current();
    }

    /** Replaces the camera at once; the one in use is closed. */
    public void switchTo(VideoSource next) {
        devices.switchTo(next);
    }

    /** Called (on a capture thread) after every change, chosen or a fallback. */
    public void onChange(Consumer<? super DeviceChange> listener) {
        devices.onChange(listener);
    }

    @Override
    protected void open() {
        devices.open();
    }

    @Override
    protected VideoFrame capture() {
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
