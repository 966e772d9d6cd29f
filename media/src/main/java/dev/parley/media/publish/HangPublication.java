package dev.parley.media.publish;

import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.H264Encoder;
import dev.parley.media.codec.H264Sps;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.codec.VideoEncoderConfig;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.AudioRendition;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.Clock;
import dev.parley.media.source.VideoSource;
import dev.parley.media.stats.EncoderStats;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.model.TrackRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hang broadcast (camera or screen): a static {@code catalog.json} track republished on every
 * change, and dynamic media tracks whose encoders start when a subscriber asks for the track and
 * stop when its last consumer leaves ({@code unused()}). Its media time starts near zero when it is
 * created ({@link MediaTimeline}, announced in the catalog), audio and video on one clock. Thread-safe; encoder shutdown runs on a
 * virtual thread because {@code unused()} may complete on a network thread.
 */
final class HangPublication implements AutoCloseable {
    /** Parley's own audio: 20 ms Opus packets, what its watchers' playout ticks at (FEC, concealment). */
    static final String AUDIO_TRACK = "audio/opus";
    /**
     * The same microphone in 10 ms packets, listed first because a hang web player takes the first
     * audio rendition. Its sync buffer holds the larger of the audio and video {@code jitter} (the
     * audio's is at least one packet: a packet is complete one packet after its first sample) plus a
     * network allowance, so this is 10 ms less buffer, hence latency, than 20 ms packets. Encoded only
     * while someone subscribes it.
     */
    static final String SHORT_AUDIO_TRACK = "audio/opus-10ms";
    /** Packet duration by audio track, in catalog order. */
    static final Map<String, Long> AUDIO_PACKET_MICROS = audioTracks();
    /**
     * The catalog's video {@code jitter}: the most a frame waits after capture before it is written. Each
     * frame goes out as soon as the encoder returns it (libx264 zerolatency: no lookahead, no B-frames, one
     * frame in, one out), so that is one encode, not a frame interval, which is what hang players assume
     * when the field is absent (34 ms at 30 fps) and add to their sync buffer.
     */
    static final long VIDEO_JITTER_MS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(HangPublication.class);

    private record ActiveVideo(TrackProducer track, RenditionEncoder encoder, VideoTrackWriter writer) {
    }

    private record ActiveAudio(TrackProducer track, AudioEncoder encoder, AudioTrackWriter writer) {
    }

    private final BroadcastProducer broadcast = new BroadcastProducer();
    private final MediaTimeline timeline = MediaTimeline.startingAt(Clock.nowMicros());
    private final TrackProducer catalogTrack;
    private final VideoSource video;
    private final AudioSource audio;
    private final String encoderName;
    private final long audioBitrate;
    private final Map<String, VideoEncoderConfig> configs = new LinkedHashMap<>();
    private final Map<String, String> codecs = new LinkedHashMap<>();
    private final Map<String, ActiveVideo> activeVideo = new LinkedHashMap<>();
    private final Map<String, ActiveAudio> activeAudio = new LinkedHashMap<>();
    private boolean videoOn;
    private boolean audioOn;
    private String userName;
    private byte[] lastCatalog;
    private boolean closed;

    HangPublication(VideoSource video, List<VideoPreset> presets, PublishOptions options, String encoderName,
                    AudioSource audio, boolean videoOn, boolean audioOn) {
        this.video = video;
        this.audio = audio;
        this.encoderName = encoderName;
        this.audioBitrate = options.audioBitrate();
        this.videoOn = videoOn && video != null;
        this.audioOn = audioOn && audio != null;
        if (video != null) {
            for (VideoPreset p : presets) {
                if (p.height() <= video.height() && p.width() <= video.width()) {
                    VideoEncoderConfig cfg = options.config(p);
                    configs.put(p.trackName(), cfg);
                    codecs.put(p.trackName(), codecStringFor(encoderName, cfg));
                }
            }
        }
        catalogTrack = broadcast.createTrack(new TrackInfo(Catalog.TRACK, TrackInfo.PRIORITY_CATALOG));
        broadcast.setTrackRequestHandler(this::onRequest);
        publishCatalog();
    }

    private static Map<String, Long> audioTracks() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(SHORT_AUDIO_TRACK, OpusEncoder.SHORT_FRAME_MICROS);
        m.put(AUDIO_TRACK, OpusEncoder.FRAME_MICROS);
        return java.util.Collections.unmodifiableMap(m);
    }

    // The catalog promises a codec string before any encoder runs, so encode one frame to read the SPS.
    static String codecStringFor(String encoderName, VideoEncoderConfig cfg) {
        try (H264Encoder enc = H264Encoder.open(encoderName, cfg);
             VideoFrame f = VideoFrame.allocate(cfg.width(), cfg.height(), PixelFormat.I420, 0, null)) {
            byte[] gray = new byte[PixelFormat.I420.frameBytes(cfg.width(), cfg.height())];
            Arrays.fill(gray, (byte) 128);
            f.data().put(gray);
            for (EncodedVideo v : enc.encode(f)) {
                if (v.keyframe()) {
                    return H264Sps.codecStringOf(v.data());
                }
            }
        }
        throw new IllegalStateException(encoderName + " produced no keyframe for its first frame");
    }

    BroadcastProducer broadcast() {
        return broadcast;
    }

    synchronized Catalog catalog() {
        Map<String, VideoRendition> v = new LinkedHashMap<>();
        if (videoOn) {
            configs.forEach((name, cfg) -> v.put(name,
                    VideoRendition.h264(codecs.get(name), cfg.width(), cfg.height(), cfg.bitrate(), cfg.fps())
                            .withJitter(VIDEO_JITTER_MS)));
        }
        Map<String, AudioRendition> a = new LinkedHashMap<>();
        if (audioOn) {
            // jitter: a packet is complete one packet after its first sample, and the source reads
            // 10 ms blocks, so no packet waits longer than its own duration
            AUDIO_PACKET_MICROS.forEach((name, micros) -> a.put(name, AudioRendition.opus(AudioSource.SAMPLE_RATE,
                    audio.channels(), audioBitrate).withJitter(Math.max(micros, AudioSource.BLOCK_MICROS) / 1000)));
        }
        return Catalog.of(v, a).withTimeline(timeline).withUserName(userName);
    }

    /** Names the publisher in the catalog (hang {@code user.name}); null removes it. */
    void setUserName(String name) {
        synchronized (this) {
            userName = name;
        }
        publishCatalog();
    }

    private synchronized void publishCatalog() {
        if (closed) {
            return;
        }
        byte[] json = catalog().toJson();
        if (!Arrays.equals(json, lastCatalog)) {
            lastCatalog = json;
            catalogTrack.appendGroupWithFrame(json);
        }
    }

    private synchronized void onRequest(TrackRequest request) {
        String name = request.info().name();
        TrackProducer track = request.producer();
        if (closed) {
            track.abort(MoqError.NOT_FOUND);
        } else if (videoOn && configs.containsKey(name)) {
            VideoTrackWriter writer = new VideoTrackWriter(track, timeline);
            RenditionEncoder enc = new RenditionEncoder(name, video, encoderName, configs.get(name), writer);
            activeVideo.put(name, new ActiveVideo(track, enc, writer));
            track.unused().thenRun(() -> stopVideo(name, track));
            track.closed().whenComplete((ok, err) -> stopVideo(name, track));
            LOG.debug("started encoder for {}", name);
        } else if (audioOn && AUDIO_PACKET_MICROS.containsKey(name)) {
            AudioTrackWriter writer = new AudioTrackWriter(track, timeline);
            activeAudio.put(name, new ActiveAudio(track, new AudioEncoder(audio, audioBitrate, AUDIO_PACKET_MICROS.get(name), writer), writer));
            track.unused().thenRun(() -> stopAudio(name, track));
            track.closed().whenComplete((ok, err) -> stopAudio(name, track));
        } else {
            track.abort(MoqError.NOT_FOUND);
        }
    }

    private void stopVideo(String name, TrackProducer track) {
        ActiveVideo a;
        synchronized (this) {
            a = activeVideo.get(name);
            if (a == null || a.track() != track) {
                return;
            }
            activeVideo.remove(name);
        }
        Thread.ofVirtual().name("stop-" + name).start(() -> {
            a.encoder().close();
            a.writer().finish();
            a.track().close();
        });
    }

    private void stopAudio(String name, TrackProducer track) {
        ActiveAudio a;
        synchronized (this) {
            a = activeAudio.get(name);
            if (a == null || a.track() != track) {
                return;
            }
            activeAudio.remove(name);
        }
        Thread.ofVirtual().name("stop-audio").start(() -> {
            a.encoder().close();
            a.writer().finish();
            a.track().close();
        });
    }

    /** Camera on/off (or screen content on/off): stops encoders and ends their tracks when off. */
    void setVideoOn(boolean on) {
        List<ActiveVideo> stop;
        synchronized (this) {
            if (video == null || on == videoOn) {
                return;
            }
            videoOn = on;
            stop = on ? List.of() : new ArrayList<>(activeVideo.values());
        }
        stop.forEach(a -> stopVideo(a.encoder().track(), a.track()));
        publishCatalog();
    }

    void setAudioOn(boolean on) {
        Map<String, ActiveAudio> stop;
        synchronized (this) {
            if (audio == null || on == audioOn) {
                return;
            }
            audioOn = on;
            stop = on ? Map.of() : new LinkedHashMap<>(activeAudio);
        }
        stop.forEach((name, a) -> stopAudio(name, a.track()));
        publishCatalog();
    }

    synchronized boolean videoOn() {
        return videoOn;
    }

    synchronized boolean audioOn() {
        return audioOn;
    }

    synchronized void requestKeyframe(String track) {
        ActiveVideo a = activeVideo.get(track);
        if (a != null) {
            a.encoder().requestKeyframe();
        }
    }

    synchronized List<EncoderStats> encoderStats() {
        List<EncoderStats> out = new ArrayList<>();
        configs.forEach((name, cfg) -> {
            ActiveVideo a = activeVideo.get(name);
            out.add(a != null ? a.encoder().stats()
                    : new EncoderStats(name, encoderName, false, 0, 0, 0, 0, 0, 0));
        });
        return out;
    }

    /** The running video encoders' nominal bitrates, by track. */
    synchronized Map<String, Long> runningNominalBitrates() {
        Map<String, Long> out = new LinkedHashMap<>();
        activeVideo.forEach((name, a) -> out.put(name, a.encoder().nominalBitrate()));
        return out;
    }

    /** Sets running encoders' bitrates (tracks not running are ignored). */
    synchronized void setBitrates(Map<String, Long> targets) {
        targets.forEach((name, bps) -> {
            ActiveVideo a = activeVideo.get(name);
            if (a != null && a.encoder().bitrate() != bps) {
                LOG.debug("encoding {} at {} kbit/s", name, bps / 1000);
                a.encoder().setBitrate(bps);
            }
        });
    }

    /** Summed over the audio tracks being encoded (each subscribed packet duration costs its own bits). */
    synchronized long audioBitrateBps() {
        return activeAudio.values().stream().mapToLong(a -> a.encoder().bitrateBps()).sum();
    }

    /** Opus packets encoded, over the audio tracks being encoded. */
    synchronized long audioPackets() {
        return activeAudio.values().stream().mapToLong(a -> a.encoder().packets()).sum();
    }

    /** Ends the broadcast, stops every encoder. Idempotent. */
    @Override
    public void close() {
        List<ActiveVideo> videos;
        List<ActiveAudio> audios;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            videos = new ArrayList<>(activeVideo.values());
            activeVideo.clear();
            audios = new ArrayList<>(activeAudio.values());
            activeAudio.clear();
        }
        for (ActiveVideo v : videos) {
            v.encoder().close();
            v.writer().finish();
        }
        for (ActiveAudio a : audios) {
            a.encoder().close();
            a.writer().finish();
        }
        broadcast.close();
    }
}
