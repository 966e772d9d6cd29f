package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Speed of the webcam-capture frame path (packed RGB24 to pooled I420 via swscale, crop included)
 * for the sizes a webcam delivers. Prints ms per frame; {@code [seconds per case]}, default 3.
 */
public final class RgbToI420Bench {
    private RgbToI420Bench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int[][] cases = {{640, 480, 640, 360}, {640, 480, 1280, 720}, {1280, 720, 1280, 720}, {1920, 1080, 1280, 720}};
        System.out.printf("RgbToI420Bench: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        System.out.println("| camera RGB24 | frame I420 | frames | ms/frame |");
        System.out.println("|---|---|---|---|");
        for (int[] c : cases) {
            byte[] noise = new byte[c[0] * c[1] * 3];
            ThreadLocalRandom.current().nextBytes(noise);
            ByteBuffer rgb = ByteBuffer.allocateDirect(noise.length).put(noise).flip();
            try (RgbToI420 conv = new RgbToI420(c[0], c[1], c[2], c[3])) {
                for (int i = 0; i < 30; i++) {
                    conv.convert(rgb, 0).close();
                }
                long end = System.nanoTime() + (long) (seconds * 1e9);
                long t0 = System.nanoTime();
                int n = 0;
                while (System.nanoTime() < end) {
                    conv.convert(rgb, 0).close();
                    n++;
                }
                double ms = (System.nanoTime() - t0) / 1e6 / n;
                System.out.printf("| %dx%d | %dx%d | %d | %.2f |%n", c[0], c[1], c[2], c[3], n, ms);
            }
        }
    }
}
