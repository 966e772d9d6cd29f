package dev.parley.media.publish;

import dev.parley.media.adapt.UplinkGovernor;
import dev.parley.media.codec.EncoderProbe;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.hang.Catalog;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.CameraSource;
import dev.parley.media.source.DeviceChange;
import dev.parley.media.source.DeviceFallback;
import dev.parley.media.source.DeviceInfo;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.Devices;
import dev.parley.media.source.SwitchingAudioSource;
import dev.parley.media.source.SwitchingVideoSource;
import dev.parley.media.source.GrabberVideoSource;
import dev.parley.media.source.MicrophoneSource;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TestToneSource;
import dev.parley.media.source.VideoSource;
import dev.parley.media.stats.AudioLevel;
import dev.parley.media.stats.AudioLevelMeter;
import dev.parley.media.stats.PublishStats;
import dev.parley.media.voice.VoiceProcessing;
import dev.parley.net.moq.model.BroadcastProducer;

import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local side of a call, for the app: a camera + microphone hang broadcast (renditions per
 * {@link PublishOptions}, encoders running only for subscribed tracks), toggles that update the
 * catalog, an optional screen-share broadcast, a self-view preview and stats. The camera and the
 * (mono) microphone can be switched during the call and fall back on their own when they fail
 * ({@link #switchCamera}, {@link #switchMicrophone}, {@link #onDeviceChange}). The session layer
 * publishes {@link #broadcast()} (and {@link #screenBroadcast()}) on an origin. Thread-safe.
 * {@link #close()} ends everything.
 */
public final class LocalMedia implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMedia.class);
    private final PublishOptions options;
    private final String encoderName;
    private final SwitchingVideoSource camera;
    /** The published microphone: a {@link SwitchingAudioSource} unless the source given was stereo. */
    private final AudioSource microphone;
    private final HangPublication main;
    private final AudioLevelMeter micMeter = new AudioLevelMeter();
    private final UplinkGovernor uplink = UplinkGovernor.defaults();
    private final long startNanos = System.nanoTime();
    /** Guards the meter's subscription apart from {@code this}, so a slow unsubscribe never stalls {@link #stats()}. */
    private final Object meterLock = new Object();
    private HangPublication screen;
    private String userName;
    private VideoSource screenSource;
    private boolean metering;
    private SourceSubscription meterSubscription;
    private boolean closed; // guarded by meterLock

    private LocalMedia(VideoSource camera, AudioSource microphone, PublishOptions options) {
        this.options = options;
        this.encoderName = options.encoder() != null ? options.encoder() : EncoderProbe.best();
        int w = camera.width();
        int h = camera.height();
        double fps = camera.fps();
        this.camera = new SwitchingVideoSource(camera, failed -> nextCamera(failed, w, h, fps));
        this.microphone = microphone.channels() == 1
                ? new SwitchingAudioSource(microphone, LocalMedia::nextMicrophone) : microphone;
        this.main = new HangPublication(this.camera, options.presets(), options, encoderName, this.microphone, true, true);
    }

    /** Synthetic camera (moving pattern with timestamp barcode, sized for the largest preset) and a 1 kHz tone. */
    public static LocalMedia withTestSources(PublishOptions options) {
        VideoPreset largest = options.presets().stream().max(Comparator.comparingInt(VideoPreset::height))
                .orElse(VideoPreset.P720);
        int w = Math.max(640, largest.width());
        int h = Math.max(360, largest.height());
        return new LocalMedia(new TestPatternSource(w, h, 30), new TestToneSource(), options);
    }

    /**
     * Real devices chosen by name, name fragment or index (null = first); the microphone goes through
     * {@link VoiceProcessing} (echo cancellation, noise suppression, gain control). Throws
     * {@link dev.parley.media.source.DeviceUnavailableException} (listing what exists) when a device
     * is missing; a device that fails while opening is reported in {@link #cameraError()}.
     */
    public static LocalMedia withDevices(String camera, String microphone, PublishOptions options) {
        VideoPreset largest = options.presets().stream().max(Comparator.comparingInt(VideoPreset::height))
                .orElse(VideoPreset.P720);
        VideoSource cam = CameraSource.open(camera, largest.width(), largest.height(), 30);
        AudioSource mic = VoiceProcessing.shared().process(MicrophoneSource.open(microphone));
        return new LocalMedia(cam, mic, options);
    }

    /** Any sources (for tests or custom capture). */
    public static LocalMedia withSources(VideoSource camera, AudioSource microphone, PublishOptions options) {
        return new LocalMedia(camera, microphone, options);
    }

    /**
     * Captures from another camera from now on (a device or a test pattern): the broadcast, its
     * renditions and everyone's subscriptions stay; the camera in use is closed.
     */
    public void switchCamera(VideoSource next) {
        camera.switchTo(next);
    }

    /**
     * Captures from another microphone from now on (a real one should come through
     * {@link VoiceProcessing#process}); the audio track and its subscribers stay. A stereo source given
     * at creation cannot be switched.
     */
    public void switchMicrophone(AudioSource next) {
        if (!(microphone instanceof SwitchingAudioSource m)) {
            next.close();
            throw new IllegalStateException("this call's microphone (" + microphone.name() + ") cannot be switched");
        }
        m.switchTo(next);
    }

    /** The published microphone slot (tests listen to it across switches). */
    AudioSource microphone() {
        return microphone;
    }

    /** The camera and microphone in use now (their device names). */
    public String cameraName() {
        return camera.current().name();
    }

    public String microphoneName() {
        return microphone instanceof SwitchingAudioSource m ? m.current().name() : microphone.name();
    }

    /**
     * Called (on a capture thread) whenever the camera or microphone changes: switched by the user, or
     * replaced because it failed mid-call (unplugged) by the next device that works or the test source.
     */
    public void onDeviceChange(Consumer<? super DeviceChange> listener) {
        camera.onChange(listener);
        if (microphone instanceof SwitchingAudioSource m) {
            m.onChange(listener);
        }
    }

    // The first listed camera that has not failed in this call and opens, else the test pattern.
    private static VideoSource nextCamera(Set<String> failed, int width, int height, double fps) {
        Set<String> tried = new HashSet<>(failed);
        for (DeviceInfo d; (d = DeviceFallback.next(Devices.list(DeviceKind.CAMERA), tried).orElse(null)) != null; ) {
            tried.add(d.name());
            try {
                return CameraSource.open(d.name(), width, height, fps);
            } catch (RuntimeException e) {
                LOG.debug("fallback camera {} does not open: {}", d.name(), e.getMessage());
            }
        }
        return new TestPatternSource(width, height, fps);
    }

    // The first listed microphone that has not failed in this call (processed), else silence.
    private static AudioSource nextMicrophone(Set<String> failed) {
        Set<String> tried = new HashSet<>(failed);
        for (DeviceInfo d; (d = DeviceFallback.next(Devices.list(DeviceKind.MICROPHONE), tried).orElse(null)) != null; ) {
            tried.add(d.name());
            try {
                return VoiceProcessing.shared().process(MicrophoneSource.open(d.name()));
            } catch (RuntimeException e) {
                LOG.debug("fallback microphone {} does not open: {}", d.name(), e.getMessage());
            }
        }
        return TestToneSource.silence();
    }

    /** The camera + microphone broadcast to publish. */
    public BroadcastProducer broadcast() {
        return main.broadcast();
    }

    /** The current catalog of the main broadcast. */
    public Catalog catalog() {
        return main.catalog();
    }

    /** The H.264 encoder in use (e.g. {@code libx264}). */
    public String encoderName() {
        return encoderName;
    }

    public void setCameraOn(boolean on) {
        main.setVideoOn(on);
    }

    /**
     * The user's display name in the catalogs (hang {@code user.name}), shown on this picture by hang players
     * and the relay's room page; a screen share started later carries it too. Null or blank: none.
     */
    public synchronized void setUserName(String name) {
        userName = name;
        main.setUserName(name);
        if (screen != null) {
            screen.setUserName(name);
        }
    }

    /** Mutes or unmutes the microphone; muting also stops the level meter's capture (see {@link #meterMicrophone}). */
    public void setMicOn(boolean on) {
        main.setAudioOn(on);
        updateMeter();
    }

    public boolean cameraOn() {
        return main.videoOn();
    }

    public boolean micOn() {
        return main.audioOn();
    }

    /**
     * Meters the microphone as captured, before encoding, for {@link #micLevel()}. While metering is
     * on and the mic is not muted the microphone captures even when nobody watches the audio track;
     * muting releases it. Off by default (headless publishing has no meter to show).
     */
    public void meterMicrophone(boolean on) {
        synchronized (meterLock) {
            metering = on;
            updateMeter();
        }
    }

    /** The microphone's level before encoding; {@link AudioLevel#SILENT} while muted or not metering. */
    public AudioLevel micLevel() {
        return main.audioOn() ? micMeter.level() : AudioLevel.SILENT;
    }

    // Subscribing and unsubscribing may start or join the capture thread: callers are off the UI thread.
    private void updateMeter() {
        synchronized (meterLock) {
            boolean wanted = metering && !closed && main.audioOn();
            if (wanted && meterSubscription == null) {
                meterSubscription = microphone.subscribe(micMeter::accept);
            } else if (!wanted && meterSubscription != null) {
                meterSubscription.close();
                meterSubscription = null;
            }
        }
    }

    /** The last capture failure of the camera (null when fine). */
    public RuntimeException cameraError() {
        return camera.lastError();
    }

    /** Starts screen sharing from a screen chosen by name or index; returns its own broadcast to publish. */
    public synchronized BroadcastProducer startScreenShare(String choice) {
        VideoPreset p = options.screenPreset();
        return startScreenShare(GrabberVideoSource.screen(choice, p.width(), p.height(), p.fps()));
    }

    /** Starts screen sharing from any video source (e.g. a test pattern). */
    public synchronized BroadcastProducer startScreenShare(VideoSource source) {
        stopScreenShare();
        screenSource = source;
        screen = new HangPublication(source, List.of(options.screenPreset()), options, encoderName, null, true, false);
        screen.setUserName(userName);
        return screen.broadcast();
    }

    /** Ends the screen broadcast (its catalog empties first, then the broadcast closes). */
    public synchronized void stopScreenShare() {
        if (screen != null) {
            screen.setVideoOn(false);
            screen.close();
            screenSource.close();
            screen = null;
            screenSource = null;
        }
    }

    public synchronized Optional<BroadcastProducer> screenBroadcast() {
        return screen == null ? Optional.empty() : Optional.of(screen.broadcast());
    }

    /** A BGRA self-view of the camera at the given size; close it when hidden. */
    public LocalPreview preview(int width, int height) {
        return new LocalPreview(camera, width, height);
    }

    /** Asks the encoder of a track for a keyframe now. */
    public void requestKeyframe(String track) {
        main.requestKeyframe(track);
    }

    /**
     * The publisher's congestion response (call about every 200 ms): the sender's capacity estimate of
     * each connection that carries this broadcast's media (bits per second, 0 = unknown). When every
     * connection is limited (the uplink is the bottleneck) the renditions that no longer fit are encoded
     * at a lower bitrate, restored when the estimates recover ({@link UplinkGovernor}).
     *
     * @return the bitrate each running rendition is encoded at now
     */
    public Map<String, Long> onUplinkEstimates(List<Long> estimates) {
        Map<String, Long> targets;
        synchronized (uplink) {
            targets = uplink.tick(main.runningNominalBitrates(), estimates, (System.nanoTime() - startNanos) / 1_000_000);
        }
        main.setBitrates(targets);
        return targets;
    }

    public synchronized PublishStats stats() {
        List<dev.parley.media.stats.EncoderStats> video = new java.util.ArrayList<>(main.encoderStats());
        if (screen != null) {
            video.addAll(screen.encoderStats());
        }
        return new PublishStats(video, main.audioOn(), main.videoOn(), screen != null, main.audioBitrateBps(),
                main.audioPackets());
    }

    @Override
    public synchronized void close() {
        synchronized (meterLock) {
            closed = true;
            updateMeter();
        }
        stopScreenShare();
        main.close();
        camera.close();
        microphone.close();
    }
}
