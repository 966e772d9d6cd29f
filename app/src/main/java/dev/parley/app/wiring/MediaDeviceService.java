package dev.parley.app.wiring;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.DeviceList;
import dev.parley.app.service.DeviceService;
import dev.parley.app.service.SelfPreview;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;
import dev.parley.app.service.VideoFeed;
import dev.parley.media.MediaException;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.publish.LocalPreview;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.DeviceInfo;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.Devices;
import dev.parley.media.source.GrabberVideoSource;
import dev.parley.media.source.MicrophoneSource;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TestToneSource;
import dev.parley.media.source.VideoSource;
import dev.parley.media.stats.AudioLevelMeter;

import java.util.List;
import java.util.Locale;

/**
 * The device service over the media module: device enumeration from {@link Devices}, and a preview
 * made of a capture source (camera, or the test pattern) scaled to BGRA by media's
 * {@link LocalPreview}, plus a microphone (or test tone) level meter.
 * App device ids are {@code camera:<media id>}, {@code microphone:<media id>}, {@code screen:<media id>}.
 */
public final class MediaDeviceService implements DeviceService {
    static final int PREVIEW_WIDTH = 640;
    static final int PREVIEW_HEIGHT = 360;
    static final double CAPTURE_FPS = 30;

    @Override
    public DeviceList list() {
        return new DeviceList(map(DeviceKind.CAMERA), map(DeviceKind.MICROPHONE), map(DeviceKind.SCREEN), map(DeviceKind.SPEAKER));
    }

    private static List<DeviceChoice> map(DeviceKind kind) {
        return Devices.list(kind).stream()
                .map(d -> new DeviceChoice(prefix(kind) + d.id(), label(d), false))
                .toList();
    }

    // The label is also the CAPTURE stats "source"; a camera on the second backend says so.
    static String label(DeviceInfo d) {
        return d.backend().equals("webcam-capture") ? d.name() + " (webcam-capture)" : d.name();
    }

    private static String prefix(DeviceKind kind) {
        return kind.name().toLowerCase(Locale.ROOT) + ":";
    }

    /** The media module's id of an app device id of this kind. */
    static String mediaId(DeviceKind kind, DeviceChoice device) {
        String p = prefix(kind);
        if (!device.id().startsWith(p)) {
            throw new ServiceException("\"" + device.label() + "\" is not a " + kind.name().toLowerCase(Locale.ROOT) + ".");
        }
        return device.id().substring(p.length());
    }

    @Override
    public SelfPreview startPreview(SourceSelection selection) {
        VideoSource video = null;
        LocalPreview frames = null;
        AudioSource audio = null;
        try {
            video = videoSource(selection.camera());
            frames = video == null ? null : new LocalPreview(video, PREVIEW_WIDTH, PREVIEW_HEIGHT);
            audio = audioSource(selection.microphone());
            return new Preview(video, frames, audio);
        } catch (MediaException | IllegalStateException e) {
            if (frames != null) {
                frames.close();
            }
            if (video != null) {
                video.close();
            }
            if (audio != null) {
                audio.close();
            }
            throw new ServiceException(e.getMessage(), e);
        }
    }

    private static VideoSource videoSource(DeviceChoice camera) {
        if (camera.equals(DeviceChoice.OFF)) {
            return null;
        }
        if (camera.equals(DeviceChoice.TEST_PATTERN)) {
            return new TestPatternSource(PREVIEW_WIDTH, PREVIEW_HEIGHT, CAPTURE_FPS);
        }
        return GrabberVideoSource.camera(mediaId(DeviceKind.CAMERA, camera), 1280, 720, CAPTURE_FPS);
    }

    private static AudioSource audioSource(DeviceChoice mic) {
        if (mic.equals(DeviceChoice.OFF)) {
            return null;
        }
        if (mic.equals(DeviceChoice.TEST_TONE)) {
            return new TestToneSource();
        }
        return MicrophoneSource.open(mediaId(DeviceKind.MICROPHONE, mic));
    }

    /** A running preview; closing it stops both capture threads. */
    private static final class Preview implements SelfPreview {
        private final VideoSource video;
        private final LocalPreview frames;
        private final AudioSource audio;
        private final SourceSubscription audioSubscription;
        private final VideoFeed feed;
        private final AudioLevelMeter meter = new AudioLevelMeter();

        Preview(VideoSource video, LocalPreview frames, AudioSource audio) {
            this.video = video;
            this.frames = frames;
            this.audio = audio;
            this.feed = frames == null ? VideoFeed.none() : () -> {
                VideoFrame f = frames.pollFrame();
                return f == null ? null : new BgraFrame(f.data(), f.width(), f.height(), f.width() * 4, f::close);
            };
            // the same meter as in a call, fed on the audio capture thread
            this.audioSubscription = audio == null ? null : audio.subscribe(meter::accept);
        }

        @Override
        public VideoFeed video() {
            return feed;
        }

        @Override
        public double micLevel() {
            return LevelScale.of(meter.level());
        }

        @Override
        public void close() {
            if (audioSubscription != null) {
                audioSubscription.close();
            }
            if (audio != null) {
                audio.close();
            }
            if (frames != null) {
                frames.close();
            }
            if (video != null) {
                video.close();
            }
        }
    }
}
