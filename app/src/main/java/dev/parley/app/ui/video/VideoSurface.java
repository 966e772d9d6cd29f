package dev.parley.app.ui.video;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.VideoFeed;
import javafx.animation.AnimationTimer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;

import java.nio.ByteBuffer;

/**
 * Shows a {@link VideoFeed}. On every pulse ({@link AnimationTimer}) it takes the newest frame from the
 * feed's mailbox and copies it with one bulk {@link ByteBuffer#put} into the direct buffer behind a
 * {@link PixelBuffer}, then tells JavaFX the whole image changed: no per-pixel Java loop, one buffer
 * update on the FX thread per new frame, nothing when no new frame came. A size change allocates a new
 * buffer. The timer runs only while the surface is in a scene, so tiles taken off screen cost nothing.
 * The picture keeps its aspect ratio and is centred.
 */
public final class VideoSurface extends Region {
    private final ImageView view = new ImageView();
    private final ObjectProperty<VideoFeed> feed = new SimpleObjectProperty<>();
    private final ReadOnlyBooleanWrapper hasFrame = new ReadOnlyBooleanWrapper(false);
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            renderPulse();
        }
    };
    private PixelBuffer<ByteBuffer> pixels;
    private ByteBuffer target;
    private long framesShown;

    public VideoSurface() {
        getStyleClass().add("video-surface");
        view.setPreserveRatio(true);
        view.setSmooth(true);
        getChildren().add(view);
        sceneProperty().addListener((obs, old, now) -> {
            if (now == null) {
                timer.stop();
            } else {
                timer.start();
            }
        });
        feed.addListener((obs, old, now) -> {
            if (now == null) {
                hasFrame.set(false);
                view.setImage(null);
            }
        });
    }

    public ObjectProperty<VideoFeed> feedProperty() {
        return feed;
    }

    /** True once a frame has been shown from the current feed. */
    public ReadOnlyBooleanProperty hasFrameProperty() {
        return hasFrame.getReadOnlyProperty();
    }

    /** Frames copied into the image since creation. */
    public long framesShown() {
        return framesShown;
    }

    /** The image being shown, for snapshots in tests. */
    public ImageView imageView() {
        return view;
    }

    /**
     * Takes at most one frame and shows it. Called by the pulse timer; public so tests can drive it.
     * Must run on the FX thread.
     *
     * @return true when a new frame was shown
     */
    public boolean renderPulse() {
        VideoFeed f = feed.get();
        if (f == null) {
            return false;
        }
        BgraFrame frame = f.poll();
        if (frame == null) {
            return false;
        }
        try {
            show(frame);
        } finally {
            frame.close();
        }
        return true;
    }

    private void show(BgraFrame frame) {
        int w = frame.width();
        int h = frame.height();
        if (pixels == null || pixels.getWidth() != w || pixels.getHeight() != h) {
            target = ByteBuffer.allocateDirect(w * h * 4);
            pixels = new PixelBuffer<>(w, h, target, PixelFormat.getByteBgraPreInstance());
            view.setImage(new WritableImage(pixels));
            requestLayout();
        }
        pixels.updateBuffer(pb -> {
            copy(frame, target);
            return null;
        });
        framesShown++;
        hasFrame.set(true);
    }

    /** Copies the frame into a tightly packed buffer: one bulk copy, or one per row when rows are padded. */
    static void copy(BgraFrame frame, ByteBuffer dst) {
        int row = frame.width() * 4;
        ByteBuffer src = frame.bgra().duplicate();
        dst.clear();
        if (frame.stride() == row) {
            src.limit(row * frame.height()).position(0);
            dst.put(src);
        } else {
            for (int y = 0; y < frame.height(); y++) {
                int start = y * frame.stride();
                dst.put(src.limit(start + row).position(start));
            }
        }
        dst.flip();
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        view.setFitWidth(w);
        view.setFitHeight(h);
        double iw = view.getImage() == null ? 0 : view.getImage().getWidth();
        double ih = view.getImage() == null ? 0 : view.getImage().getHeight();
        if (iw > 0 && ih > 0) {
            double scale = Math.min(w / iw, h / ih);
            view.relocate((w - iw * scale) / 2, (h - ih * scale) / 2);
        } else {
            view.relocate(0, 0);
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        return 320;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 180;
    }

    @Override
    protected double computeMinWidth(double height) {
        return 0;
    }

    @Override
    protected double computeMinHeight(double width) {
        return 0;
    }
}
