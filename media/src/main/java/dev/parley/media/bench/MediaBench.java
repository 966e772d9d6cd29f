package dev.parley.media.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.parley.media.codec.EncoderProbe;
import dev.parley.media.codec.H264Encoder;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.source.Clock;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TimestampBarcode;
import dev.parley.media.stats.EncoderStats;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.RenditionChoice;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Prints: Opus decode cost per 20 ms frame (FFmpeg's libopus wrapper vs the Java decoder Parley
 * uses, and its FEC and PLC paths), H.264 encode speed per preset (encode call incl. swscale from the 1080p/720p source),
 * process CPU while publishing 180p + 360p + 720p at 30 fps from the test pattern (with consumers
 * draining the tracks, no decoding), and capture→decoded latency p50/p95 through the in-process
 * moq model at 720p (measured from the barcode-verified capture timestamp).
 * Arguments: {@code [seconds per phase, default 10] [audio: only the Opus decode phase]}.
 */
public final class MediaBench {
    private MediaBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.printf(Locale.ROOT, "MediaBench: %d cores, Java %s, encoder probe: %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), EncoderProbe.probe());
        OpusDecodeBench.run();
        if (args.length > 1 && args[1].equals("audio")) {
            System.exit(0);
        }
        encodeSpeed();
        publishCpu(seconds);
        latency(seconds, true);
        latency(seconds, false);
        System.exit(0);
    }

    static void encodeSpeed() {
        System.out.println("\n## Encode speed (libx264 ultrafast/zerolatency, encode call incl. scaling)");
        System.out.println("| preset | source | frames | fps | ms/frame | kbit/s at 30 fps |");
        System.out.println("|---|---|---|---|---|---|");
        for (VideoPreset p : VideoPreset.values()) {
            int sw = p.height() > 720 ? 1920 : 1280;
            int sh = p.height() > 720 ? 1080 : 720;
            TestPatternSource pattern = new TestPatternSource(sw, sh, 30);
            int n = 150;
            List<VideoFrame> input = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                VideoFrame f = VideoFrame.allocate(sw, sh, PixelFormat.I420, i * 33_333L, null);
                pattern.render(f, i);
                TimestampBarcode.draw(f.data(), sw, sh, i);
                input.add(f);
            }
            long bytes = 0;
            try (H264Encoder enc = H264Encoder.open(H264Encoder.SOFTWARE, PublishOptions.defaults().config(p))) {
                for (int i = 0; i < 30; i++) {
                    enc.encode(input.get(i)); // warm-up
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    for (var u : enc.encode(input.get(i % input.size()))) {
                        bytes += u.data().length;
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "| %s %dx%d@%d | %dx%d | %d | %.0f | %.2f | %.0f |%n", p.label(), p.width(),
                        p.height(), p.fps(), sw, sh, n, n / secs, secs * 1000 / n, bytes * 8.0 / n * p.fps() / 1000);
            }
            input.forEach(VideoFrame::close);
        }
    }

    static void publishCpu(int seconds) throws Exception {
        System.out.println("\n## CPU of publishing 180p + 360p + 720p at 30 fps (test pattern, tracks drained, no decode)");
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        PublishOptions opts = PublishOptions.defaults().withEncoder(H264Encoder.SOFTWARE)
                .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            local.setMicOn(false);
            BroadcastConsumer bc = local.broadcast().consume();
            List<Thread> drains = new ArrayList<>();
            List<TrackConsumer> tracks = new ArrayList<>();
            for (VideoPreset p : opts.presets()) {
                TrackConsumer t = bc.subscribe(new TrackInfo(p.trackName(), TrackInfo.PRIORITY_VIDEO));
                tracks.add(t);
                drains.add(Thread.ofPlatform().daemon().start(() -> drain(t)));
            }
            Thread.sleep(2000); // warm-up: encoders open, JIT
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu = os.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            System.out.printf(Locale.ROOT, "process CPU / wall = %.1f %% of one core over %d s%n", 100.0 * cpu / wall, seconds);
            System.out.println("| track | encoder | capture fps | encode fps | encode ms | kbit/s |");
            System.out.println("|---|---|---|---|---|---|");
            for (EncoderStats s : local.stats().video()) {
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f | %d |%n", s.track(), s.encoder(),
                        s.captureFps(), s.encodeFps(), s.encodeMillis(), s.bitrateBps() / 1000);
            }
            tracks.forEach(TrackConsumer::close);
            bc.close();
            for (Thread t : drains) {
                t.join(2000);
            }
        }
    }

    private static void drain(TrackConsumer t) {
        try {
            while (true) {
                GroupConsumer g = t.nextGroup();
                if (g == null) {
                    return;
                }
                try (g) {
                    while (g.readFrame() != null) {
                        // discard
                    }
                }
            }
        } catch (RuntimeException e) {
            // closed
        }
    }

    static void latency(int seconds, boolean audio) throws Exception {
        System.out.println("\n## Capture → decoded latency in process (720p, LocalMedia → moq model → RemoteMedia, "
                + (audio ? "video paced against audio playout" : "no audio: video unpaced") + ")");
        PublishOptions opts = PublishOptions.defaults().withEncoder(H264Encoder.SOFTWARE)
                .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
        List<Long> samples = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        int barcodeMismatches = 0;
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            BroadcastConsumer bc = local.broadcast().consume();
            try (RemoteMedia remote = new RemoteMedia(bc, WatchOptions.defaults()
                    .withChoice(RenditionChoice.of(RenditionChoice.Quality.HIGH)).withAudioSink(new NullAudioSink())
                    .withAudio(audio))) {
                long warm = System.nanoTime() + 2_000_000_000L;
                long end = warm + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    VideoFrame f = remote.takeFrame(Duration.ofSeconds(2));
                    if (f == null) {
                        continue;
                    }
                    try (f) {
                        long now = Clock.nowMicros();
                        if (System.nanoTime() > warm) {
                            if (TimestampBarcode.read(f) != f.captureMicros() / 1000) {
                                barcodeMismatches++;
                            }
                            samples.add(now - f.captureMicros());
                            offsets.add(Math.abs(remote.stats().avOffsetMillis()));
                        }
                    }
                }
                var st = remote.stats();
                System.out.printf(Locale.ROOT, "rendition %s, decode %.2f ms/frame, render %.1f fps, A/V offset %d ms, audio buffer %d ms%n",
                        st.rendition(), st.decodeMillis(), st.renderFps(), st.avOffsetMillis(), st.audioBufferMillis());
            }
            bc.close();
        }
        Collections.sort(samples);
        if (samples.isEmpty()) {
            System.out.println("no frames received");
            return;
        }
        System.out.printf(Locale.ROOT, "frames %d, barcode mismatches %d, latency p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
                samples.size(), barcodeMismatches, samples.get(samples.size() / 2) / 1000.0,
                samples.get((int) (samples.size() * 0.95)) / 1000.0, samples.getLast() / 1000.0);
        if (audio) {
            Collections.sort(offsets);
            System.out.printf(Locale.ROOT, "|A/V offset| at delivery: p50 %d ms, p95 %d ms, within ±40 ms: %.1f %%%n",
                    offsets.get(offsets.size() / 2), offsets.get((int) (offsets.size() * 0.95)),
                    100.0 * offsets.stream().filter(o -> o <= 40).count() / offsets.size());
        }
    }
}
