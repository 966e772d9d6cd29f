package dev.parley.media.codec;

import dev.parley.media.MediaException;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the H.264 encoder at runtime: each hardware encoder is used only if it opens AND encodes
 * test frames into a keyframe with an SPS through exactly the path publishing uses
 * ({@link H264Encoder}: swscale to the encoder's layout, and for h264_vaapi a VAAPI device, NV12
 * surface pool and upload); otherwise libx264. Each rejection keeps its reason, e.g.
 * {@code h264_vaapi: no VAAPI device (av_hwdevice_ctx_create: …)}. The result is computed once.
 */
public final class EncoderProbe {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderProbe.class);
    /** Hardware encoders in preference order. */
    public static final List<String> HARDWARE = List.of("h264_videotoolbox", "h264_nvenc", "h264_qsv", "h264_vaapi", "h264_mf");

    private static volatile Result result;

    /** What the probe found. {@code rejected} maps each tried hardware encoder to why it was not used. */
    public record Result(String chosen, List<String> rejected) {
    }

    private EncoderProbe() {
    }

    /** The encoder to use (cached). {@code -Dparley.encoder=libx264} forces one. */
    public static String best() {
        return probe().chosen();
    }

    public static synchronized Result probe() {
        if (result != null) {
            return result;
        }
        String forced = System.getProperty("parley.encoder");
        List<String> rejected = new ArrayList<>();
        String chosen = SOFTWARE();
        if (forced != null && !forced.isBlank()) {
            chosen = forced;
        } else {
            for (String hw : HARDWARE) {
                String why = tryEncoder(hw);
                if (why == null) {
                    chosen = hw;
                    break;
                }
                rejected.add(hw + ": " + why);
            }
        }
        LOG.info("H.264 encoder: {} (rejected: {})", chosen, rejected);
        result = new Result(chosen, List.copyOf(rejected));
        return result;
    }

    private static String SOFTWARE() {
        return H264Encoder.SOFTWARE;
    }

    /** Null when the encoder opened and produced a keyframe with an SPS, else the reason. */
    static String tryEncoder(String name) {
        VideoEncoderConfig cfg = new VideoEncoderConfig(320, 180, 30, 200_000, 30);
        try (H264Encoder enc = H264Encoder.open(name, cfg);
             VideoFrame f = VideoFrame.allocate(320, 180, PixelFormat.I420, 0, null)) {
            f.data().put(new byte[PixelFormat.I420.frameBytes(320, 180)]);
            for (int i = 0; i < 5; i++) {
                for (EncodedVideo v : enc.encode(f)) {
                    if (v.keyframe() && H264Sps.find(v.data()).isPresent()) {
                        return null;
                    }
                }
            }
            return "no keyframe with SPS after 5 frames";
        } catch (MediaException e) {
            return e.getMessage();
        }
    }
}
