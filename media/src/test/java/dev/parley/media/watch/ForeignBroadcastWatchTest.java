package dev.parley.media.watch;

import dev.parley.media.codec.AudioRoundTripTest;
import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.frame.AudioBlock;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.source.TestToneSource;
import dev.parley.media.codec.TestVideoEncoder;
import dev.parley.media.codec.VideoCodec;
import dev.parley.media.codec.VideoDecoder;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.source.TimestampBarcode;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.OriginProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broadcasts as other hang publishers write them (catalog JSON written by hand, frames in the legacy
 * container with presentation timestamps from 0, H.264 from libx264 repackaged to AVCC with a real
 * avcC description, {@code avc3} naming, tracks in a second broadcast), published in an in-process
 * origin and watched with {@link RemoteMedia}: the decoded frames' barcodes must read back their
 * timestamps, and renditions Parley cannot watch are refused with a reason.
 */
@Timeout(90)
class ForeignBroadcastWatchTest {
    static final String MAIN = "room/bob.hang";
    static final String SOURCE = "room/bob-source";
    static final int FRAMES = 75;
    private static ForeignH264 h264;

    private final OriginProducer origin = new OriginProducer();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void encode() {
        h264 = ForeignH264.encode(FRAMES, 15);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        origin.close();
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private BroadcastProducer broadcast(String path) {
        BroadcastProducer b = new BroadcastProducer();
        open.add(b);
        origin.publish(path, b.consume());
        return b;
    }

    private static void catalog(BroadcastProducer b, String json) {
        b.createTrack(new TrackInfo(Catalog.TRACK, Catalog.PRIORITY))
                .appendGroupWithFrame(json.getBytes(StandardCharsets.UTF_8)).close();
    }

    private RemoteMedia watch(SiblingBroadcasts siblings) {
        RemoteMedia m = new RemoteMedia(origin.consume().consume(MAIN).orElseThrow(),
                WatchOptions.defaults().withAudio(false).withChoice(RenditionChoice.of(RenditionChoice.Quality.HIGHEST)),
                siblings);
        open.add(m);
        return m;
    }

    /** Publishes the encoded frames in real time, a group per GOP, as {@code payload} packages them. */
    private Thread publish(TrackProducer track, Function<EncodedVideo, byte[]> payload) {
        return publish(track, h264.annexB, payload);
    }

    private Thread publish(TrackProducer track, List<EncodedVideo> units, Function<EncodedVideo, byte[]> payload) {
        return Thread.ofPlatform().name("foreign-publisher").start(() -> {
            GroupProducer g = null;
            long start = System.nanoTime();
            for (int i = 0; i < units.size(); i++) {
                EncodedVideo u = units.get(i);
                if (u.keyframe()) {
                    if (g != null) {
                        g.close();
                    }
                    g = track.appendGroup();
                }
                g.writeFrame(new LegacyFrame(u.timestampMicros(), payload.apply(u)).encode());
                long due = start + (i + 1) * ForeignH264.FRAME_MICROS * 1000;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(Duration.ofNanos(wait));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            if (g != null) {
                g.close();
            }
        });
    }

    /** Takes frames until the publisher is done; each one's barcode must equal its timestamp in ms. */
    private static List<Long> framesUntil(RemoteMedia remote, Thread publisher) throws InterruptedException {
        List<Long> timestamps = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            VideoFrame f = remote.takeFrame(Duration.ofMillis(200));
            if (f == null) {
                if (!publisher.isAlive() && !timestamps.isEmpty()) {
                    break; // the last frame was shown
                }
                continue;
            }
            try (f) {
                assertThat(f.width()).isEqualTo(ForeignH264.WIDTH);
                assertThat(f.height()).isEqualTo(ForeignH264.HEIGHT);
                assertThat(TimestampBarcode.read(f)).as("barcode of the frame stamped %d µs", f.captureMicros())
                        .isEqualTo(f.captureMicros() / 1000);
                timestamps.add(f.captureMicros());
            }
        }
        publisher.join(10_000);
        System.out.println("[foreign] " + remote.rendition() + ": " + timestamps.size() + " of " + FRAMES
                + " frames shown, " + remote.stats().groupsSkipped() + " groups skipped");
        return timestamps;
    }

    @ParameterizedTest(name = "{0}, description {1}, in-band parameter sets {2}, in a second broadcast {3}")
    @CsvSource({
            "avc1, true, false, false",  // avcC out of band, AVCC frames without SPS/PPS: needs the extradata
            "avc3, true, true, true",    // WebCodecs 'avc' format with avc3: AVCC, SPS/PPS in band as well
            "avc3, false, true, false",  // WebCodecs 'annexb' format: no description
    })
    void watchesH264AsOtherHangPublishersSendIt(String prefix, boolean description, boolean inBand, boolean sibling)
            throws Exception {
        BroadcastProducer main = broadcast(MAIN);
        BroadcastProducer home = sibling ? broadcast(SOURCE) : main;
        String track = "0." + prefix;
        TrackProducer video = home.createTrack(new TrackInfo(track, TrackInfo.PRIORITY_VIDEO));
        catalog(main, """
                {"video": {"renditions": {"%s": {"codec": "%s", %s %s "codedWidth": 320, "codedHeight": 180,
                   "framerate": 30, "jitter": 34, "container": {"kind": "legacy"}}},
                   "display": {"width": 320, "height": 180}},
                 "user": {"name": "bob"}}""".formatted(track, h264.codec(prefix),
                description ? "\"description\": \"" + h264.avcCHex() + "\"," : "",
                sibling ? "\"broadcast\": \"../bob-source\"," : ""));

        RemoteMedia remote = watch(SiblingBroadcasts.of(origin.consume(), MAIN));
        await("subscription to " + track, () -> video.consumerCount() > 0);
        Thread publisher = publish(video, u -> description ? ForeignH264.toAvcc(u.data(), inBand) : u.data());

        List<Long> shown = framesUntil(remote, publisher);
        assertThat(shown).as("frames decoded out of %d", FRAMES).hasSizeGreaterThan(FRAMES / 3);
        assertThat(shown).isSorted().doesNotHaveDuplicates();
        assertThat(remote.rendition()).isEqualTo(track);
        assertThat(remote.refusedRenditions()).isEmpty();
        assertThat(remote.stats().decoder()).isEqualTo("h264 (ffmpeg)");
        assertThat(remote.stats().latencyMillis()).as("timestamps from 0 are not read as wall clock").isBetween(0L, 1000L);
    }

    /**
     * A publisher that sends each 500 ms GOP in one burst (it may declare {@code jitter: 500}): each burst's
     * tail is later than the 150 ms max latency, but nothing newer exists when it arrives, so it plays
     * instead of being skipped, with or without the declaration (skipping would only freeze the picture
     * until the next burst). The declared jitter still widens the allowance when a newer GOP is there
     * ({@code StaleGroupSkipTest}).
     */
    @ParameterizedTest(name = "jitter declared {0}")
    @CsvSource({"true", "false"})
    void burstyGopsPlayWholeBecauseNothingNewerExistsWhenTheirTailsArrive(boolean declared) throws Exception {
        BroadcastProducer main = broadcast(MAIN);
        TrackProducer video = main.createTrack(new TrackInfo("0.avc3", TrackInfo.PRIORITY_VIDEO));
        catalog(main, """
                {"video": {"renditions": {"0.avc3": {"codec": "%s", "framerate": 30 %s}}}}
                """.formatted(h264.codec("avc3"), declared ? ", \"jitter\": 500" : ""));
        RemoteMedia remote = watch(SiblingBroadcasts.none());
        await("subscription", () -> video.consumerCount() > 0);
        Thread publisher = Thread.ofPlatform().name("bursty-publisher").start(() -> {
            long start = System.nanoTime();
            GroupProducer g = null;
            for (int i = 0; i < h264.annexB.size(); i++) {
                EncodedVideo u = h264.annexB.get(i);
                if (u.keyframe()) {
                    if (g != null) {
                        g.close();
                    }
                    // the whole GOP goes out once its last frame exists
                    long due = start + (i + 15) * ForeignH264.FRAME_MICROS * 1000;
                    try {
                        Thread.sleep(Duration.ofNanos(Math.max(0, due - System.nanoTime())));
                    } catch (InterruptedException e) {
                        return;
                    }
                    g = video.appendGroup();
                }
                g.writeFrame(new LegacyFrame(u.timestampMicros(), u.data()).encode());
            }
            g.close();
        });
        List<Long> shown = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && (publisher.isAlive() || shown.isEmpty())) {
            // take every frame the moment it is decoded; the mailbox keeps only the latest
            VideoFrame f = remote.takeFrame(Duration.ofMillis(100));
            if (f != null) {
                try (f) {
                    shown.add(f.captureMicros());
                }
            }
        }
        publisher.join(5000);
        long skipped = remote.stats().groupsSkipped();
        System.out.println("[foreign] bursty, jitter declared " + declared + ": " + shown.size() + " frames shown, "
                + skipped + " groups skipped");
        assertThat(skipped).isZero();
        assertThat(remote.stats().groupsStalled()).isZero();
        assertThat(shown).isNotEmpty();
    }

    /** The avcC description is what makes AVCC frames without in-band parameter sets decodable. */
    @Test
    void avccFramesDecodeOnlyWithTheAvcCDescriptionAsExtradata() {
        byte[] avcC = HexFormat.of().parseHex(h264.avcCHex());
        assertThat(decodedFrames(avcC)).isEqualTo(FRAMES);
        assertThat(decodedFrames(null)).as("without extradata FFmpeg reads the lengths as Annex-B and finds nothing").isZero();
    }

    private static int decodedFrames(byte[] description) {
        int n = 0;
        try (VideoDecoder dec = new VideoDecoder(VideoCodec.H264, description, PixelFormat.I420)) {
            for (EncodedVideo u : h264.annexB) {
                EncodedVideo avcc = new EncodedVideo(ForeignH264.toAvcc(u.data(), false), u.timestampMicros(), u.keyframe());
                for (VideoFrame f : dec.decode(avcc)) {
                    try (f) {
                        assertThat(TimestampBarcode.read(f)).isEqualTo(f.captureMicros() / 1000);
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @ParameterizedTest(name = "{0} from {1}, B-frames {2}")
    @CsvSource({
            "avc1.64000d, libx264, 2, h264 (ffmpeg)",
            "hev1.1.6.L60.90, libx265, 0, hevc (ffmpeg)",
            "vp09.00.10.08, libvpx-vp9, 0, vp9 (ffmpeg)",
            "av01.0.04M.08, libaom-av1, 0, libaom-av1 (ffmpeg)",
    })
    void watchesOtherCodecs(String codec, String encoder, int bFrames, String decoder) throws Exception {
        List<EncodedVideo> units = TestVideoEncoder.encode(encoder, ForeignH264.WIDTH, ForeignH264.HEIGHT, FRAMES, 15, bFrames);
        BroadcastProducer main = broadcast(MAIN);
        TrackProducer video = main.createTrack(new TrackInfo("0.video", TrackInfo.PRIORITY_VIDEO));
        catalog(main, """
                {"video": {"renditions": {"0.video": {"codec": "%s", "codedWidth": 320, "codedHeight": 180}}}}
                """.formatted(codec));
        RemoteMedia remote = watch(SiblingBroadcasts.none());
        await("subscription", () -> video.consumerCount() > 0);
        Thread publisher = publish(video, units, EncodedVideo::data);
        assertThat(framesUntil(remote, publisher)).hasSizeGreaterThan(FRAMES / 3).isSorted().doesNotHaveDuplicates();
        assertThat(remote.stats().decoder()).isEqualTo(decoder);
    }

    /** Stereo Opus at PTS from 0 (a browser publisher's usual audio) plays as a 1 kHz tone on the mono sink. */
    @Test
    void stereoOpusIsDownmixedForTheMonoSink() throws Exception {
        BroadcastProducer main = broadcast(MAIN);
        TrackProducer audio = main.createTrack(new TrackInfo("audio/data", TrackInfo.PRIORITY_AUDIO));
        catalog(main, """
                {"audio": {"renditions": {
                   "audio/surround": {"codec": "opus", "sampleRate": 48000, "numberOfChannels": 6},
                   "audio/data": {"codec": "opus", "sampleRate": 48000, "numberOfChannels": 2, "bitrate": 64000, "jitter": 20}}}}
                """);
        List<short[]> heard = new ArrayList<>();
        NullAudioSink sink = new NullAudioSink(pcm -> {
            synchronized (heard) {
                heard.add(pcm.clone());
            }
        });
        RemoteMedia remote = new RemoteMedia(origin.consume().consume(MAIN).orElseThrow(),
                WatchOptions.defaults().withAudioSink(sink), SiblingBroadcasts.none());
        open.add(remote);
        await("audio subscription", () -> audio.consumerCount() > 0);
        TestToneSource tone = new TestToneSource(1000, 0.3);
        try (OpusEncoder enc = new OpusEncoder(2, 64_000)) {
            GroupProducer g = null;
            long start = System.nanoTime();
            for (int i = 0; i < 75; i++) {
                short[] mono = tone.generate(960);
                short[] stereo = new short[mono.length * 2];
                for (int k = 0; k < mono.length; k++) {
                    stereo[2 * k] = mono[k];
                    stereo[2 * k + 1] = mono[k];
                }
                for (EncodedAudio p : enc.encode(new AudioBlock(stereo, 48_000, 2, i * 20_000L))) {
                    if (i % 5 == 0) {
                        if (g != null) {
                            g.close();
                        }
                        g = audio.appendGroup();
                    }
                    g.writeFrame(new LegacyFrame(p.timestampMicros(), p.data()).encode());
                }
                Thread.sleep(Duration.ofNanos(Math.max(0, start + (i + 1) * 20_000_000L - System.nanoTime())));
            }
            g.close();
        }
        await("a second of audio", () -> {
            synchronized (heard) {
                return heard.stream().mapToInt(a -> a.length).sum() > 48_000;
            }
        });
        List<short[]> blocks;
        synchronized (heard) { // the sink keeps adding while the test reads
            blocks = List.copyOf(heard);
        }
        short[] pcm = new short[blocks.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (short[] a : blocks) {
            System.arraycopy(a, 0, pcm, at, a.length);
            at += a.length;
        }
        assertThat(blocks).allSatisfy(block -> assertThat(block).as("20 ms of mono").hasSize(960));
        int first = 0;
        while (first < pcm.length && Math.abs(pcm[first]) < 1000) {
            first++; // the buffering silence
        }
        int last = pcm.length;
        while (last > first && Math.abs(pcm[last - 1]) < 1000) {
            last--; // the silence after the sender stopped, when the sink ran on past the tone
        }
        short[] tail = java.util.Arrays.copyOfRange(pcm, Math.min(last, first + 4800), last);
        assertThat(tail.length).isGreaterThan(9600);
        // the pitch says the downmix is right; the test's sleep-paced sender may hiccup past the adaptive
        // buffer's 20-40 ms target once (a concealed frame), which moves a crossing count but not the median period
        assertThat(AudioRoundTripTest.frequencyByMedianPeriod(tail, 48_000)).isBetween(995.0, 1005.0);
        assertThat(AudioRoundTripTest.frequencyByZeroCrossings(tail, 48_000)).as("a tone, not a glitch here and there")
                .isBetween(950.0, 1010.0);
    }

    @Test
    void refusesWhatItCannotWatchWithAReasonAndPicksWhatItCan() throws Exception {
        BroadcastProducer main = broadcast(MAIN);
        TrackProducer video = main.createTrack(new TrackInfo("video/small", TrackInfo.PRIORITY_VIDEO));
        // Every refused rendition is bigger than the good one, so any of them would win if accepted.
        catalog(main, """
                {"video": {"renditions": {
                   "video/cmaf": {"codec": "avc1.64001f", "container": {"kind": "cmaf", "init": "AAAA"},
                                  "codedWidth": 1280, "codedHeight": 720},
                   "video/loc": {"codec": "avc1.64001f", "container": {"kind": "loc"}, "codedWidth": 1280, "codedHeight": 720},
                   "video/future": {"codec": "avc1.64001f", "container": {"kind": "mkv-2030"}, "codedWidth": 1280, "codedHeight": 720},
                   "video/mpeg4": {"codec": "mp4v.20.9", "codedWidth": 1280, "codedHeight": 720},
                   "video/bad-avcc": {"codec": "avc1.64001f", "description": "00ff00", "codedWidth": 1280, "codedHeight": 720},
                   "video/elsewhere": {"codec": "avc3.64001f", "broadcast": "../nobody", "codedWidth": 1280, "codedHeight": 720},
                   "video/small": {"codec": "%s"}}},
                 "audio": {"renditions": {"audio/aac": {"codec": "mp4a.40.2", "sampleRate": 44100, "numberOfChannels": 2}}}}
                """.formatted(h264.codec("avc3")));

        RemoteMedia remote = watch(SiblingBroadcasts.of(origin.consume(), MAIN));
        await("subscription to video/small", () -> video.consumerCount() > 0);
        Thread publisher = publish(video, EncodedVideo::data);
        List<Long> shown = framesUntil(remote, publisher);
        assertThat(shown).hasSizeGreaterThan(FRAMES / 3);
        assertThat(remote.rendition()).isEqualTo("video/small");

        var refused = remote.refusedRenditions();
        assertThat(refused.keySet()).containsExactlyInAnyOrder("video/cmaf", "video/loc", "video/future",
                "video/mpeg4", "video/bad-avcc", "video/elsewhere");
        assertThat(refused.get("video/cmaf")).contains("container 'cmaf' is not supported");
        assertThat(refused.get("video/loc")).contains("container 'loc' is not supported");
        assertThat(refused.get("video/future")).contains("container 'mkv-2030' is not supported");
        assertThat(refused.get("video/mpeg4")).contains("codec 'mp4v.20.9' is not supported");
        assertThat(refused.get("video/bad-avcc")).isEqualTo("description is not an avcC record");
        assertThat(refused.get("video/elsewhere")).contains("room/nobody").contains("not published");
        assertThat(remote.stats().audioOutput()).as("AAC audio is not played").isEqualTo("none");
    }

    @Test
    void aTrackInAnotherBroadcastIsRefusedWithoutALookupAndPickedUpWhenItIsPublished() throws Exception {
        BroadcastProducer main = broadcast(MAIN);
        catalog(main, """
                {"video": {"renditions": {"0.avc3": {"codec": "%s", "broadcast": "../bob-source"}}}}
                """.formatted(h264.codec("avc3")));
        RemoteMedia blind = watch(SiblingBroadcasts.none());
        await("refusal", () -> blind.refusedRenditions().containsKey("0.avc3"));
        assertThat(blind.refusedRenditions().get("0.avc3")).contains("no lookup for other broadcasts");
        assertThat(blind.takeFrame(Duration.ofMillis(300))).isNull();

        // With a lookup, the rendition is refused while its broadcast is missing and watched once it appears.
        RemoteMedia remote = watch(SiblingBroadcasts.of(origin.consume(), MAIN));
        await("refusal", () -> remote.refusedRenditions().containsKey("0.avc3"));
        assertThat(remote.refusedRenditions().get("0.avc3")).contains("room/bob-source").contains("not published");
        TrackProducer video = broadcast(SOURCE).createTrack(new TrackInfo("0.avc3", TrackInfo.PRIORITY_VIDEO));
        await("subscription in the second broadcast", () -> video.consumerCount() > 0);
        Thread publisher = publish(video, EncodedVideo::data);
        assertThat(framesUntil(remote, publisher)).hasSizeGreaterThan(FRAMES / 3);
        assertThat(remote.refusedRenditions()).isEmpty();
        assertThat(blind.refusedRenditions()).containsKey("0.avc3");
    }
}
