package dev.parley.media.source;

/**
 * Child process for {@link WebcamBackendTest}: lists cameras the way {@code parley devices} does
 * ({@code guarded}), or calls webcam-capture directly without Parley's guard ({@code raw}), so the
 * test can see exactly what reaches stdout.
 */
public final class WebcamListingMain {
    private WebcamListingMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("raw")) {
            try {
                System.out.println("raw cameras=" + WebcamLibrary.cameras(5000));
            } catch (RuntimeException e) {
                System.out.println("raw failed");
            }
        } else {
            long t0 = System.nanoTime();
            System.out.println("cameras=" + Devices.list(DeviceKind.CAMERA));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("webcam-capture=" + WebcamBackend.shared().discover());
            System.out.println("first listing ms=" + ms);
        }
        System.out.flush();
    }
}
