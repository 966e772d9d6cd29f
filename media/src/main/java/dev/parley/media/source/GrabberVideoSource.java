package dev.parley.media.source;

import dev.parley.media.frame.BufferPool;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A camera or screen opened through an FFmpeg input device ({@code video4linux2}, {@code dshow},
 * {@code avfoundation}, {@code x11grab}, {@code gdigrab}) or any lavfi graph. FFmpeg converts to
 * I420 at the requested size (its swscale), and each frame is one bulk copy into a pooled buffer.
 */
public final class GrabberVideoSource extends VideoSource {
    private final DeviceKind kind;
    private final String device;
    private final String format;
    private final Map<String, String> options;
    private final BufferPool pool;
    private FFmpegFrameGrabber grabber;

    public GrabberVideoSource(DeviceKind kind, String name, String device, String format, int width, int height,
                              double fps, Map<String, String> options) {
        super(name, width, height, fps);
        this.kind = kind;
        this.device = device;
        this.format = format;
        this.options = Map.copyOf(options);
        this.pool = new BufferPool(PixelFormat.I420.frameBytes(width, height), 8);
    }

    /**
     * A camera chosen by name, name fragment or index ({@code null} = first): the same as
     * {@link CameraSource#open}, so FFmpeg first and webcam-capture when FFmpeg cannot open it.
     */
    public static CameraSource camera(String choice, int width, int height, double fps) {
        return CameraSource.open(choice, width, height, fps);
    }

    /** A screen chosen by name or index ({@code null} = first), captured at {@code fps}. */
    public static GrabberVideoSource screen(String choice, int width, int height, double fps) {
        DeviceInfo d = Devices.choose(DeviceKind.SCREEN, choice);
        Map<String, String> opts = d.backend().equals("avfoundation") ? Map.of("capture_cursor", "1") : Map.of();
        return new GrabberVideoSource(DeviceKind.SCREEN, d.name(), d.id(), d.backend(), width, height, fps, opts);
    }

    /** A lavfi graph, e.g. {@code testsrc2=size=1280x720:rate=30}; not paced by FFmpeg. */
    public static GrabberVideoSource lavfi(String graph, int width, int height, double fps) {
        return new GrabberVideoSource(DeviceKind.CAMERA, "lavfi " + graph, graph, "lavfi", width, height, fps, Map.of());
    }

    @Override
    protected void open() {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(device);
        g.setFormat(format);
        g.setImageWidth(width);
        g.setImageHeight(height);
        g.setFrameRate(fps);
        g.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        options.forEach(g::setOption);
        if (!format.equals("lavfi")) {
            g.setOption("framerate", Integer.toString((int) Math.round(fps)));
            g.setOption("video_size", width + "x" + height);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | UnsatisfiedLinkError e) {
            release(g);
            List<DeviceInfo> available = format.equals("lavfi") ? List.of() : Devices.list(kind);
            throw new DeviceUnavailableException(kind, name(), reason(e), available, e);
        }
        grabber = g;
    }

    private static String reason(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof UnsatisfiedLinkError) {
            return "FFmpeg device support failed to load: " + m + " (on Linux install libpulse0)";
        }
        if (m.contains("error -16") || m.toLowerCase().contains("busy")) {
            return "device busy: " + m;
        }
        return m;
    }

    private static void release(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (FrameGrabber.Exception e) {
            // already failing; nothing more to do
        }
    }

    @Override
    protected VideoFrame capture() {
        Frame f;
        try {
            f = grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
            throw new DeviceUnavailableException(kind, name(), "capture failed: " + e.getMessage(), List.of(), e);
        }
        if (f == null) {
            throw new DeviceUnavailableException(kind, name(), "device stopped delivering frames", List.of(), null);
        }
        if (f.image == null || f.imageWidth != width || f.imageHeight != height) {
            return null;
        }
        VideoFrame frame = VideoFrame.allocate(width, height, PixelFormat.I420, Clock.nowMicros(), pool);
        ByteBuffer src = ((ByteBuffer) f.image[0]).duplicate();
        src.position(0).limit(Math.min(src.capacity(), PixelFormat.I420.frameBytes(width, height)));
        frame.data().put(src);
        return frame;
    }

    @Override
    protected void closeDevice() {
        if (grabber != null) {
            try {
                grabber.stop();
            } catch (FrameGrabber.Exception e) {
                // closing anyway
            }
            release(grabber);
            grabber = null;
        }
    }
}
