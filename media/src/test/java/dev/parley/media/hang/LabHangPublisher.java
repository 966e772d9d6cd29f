package dev.parley.media.hang;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxServer;

import java.net.InetSocketAddress;

/**
 * A Parley broadcast (test pattern with the barcode + tone, 180p and 360p) served over WebSocket on
 * {@code 0.0.0.0:<port>}, run inside a lab namespace by {@link HangPlayerProbeLabTest}. Prints
 * {@code ready} and serves until stdin closes or the process is killed.
 */
public final class LabHangPublisher {
    private LabHangPublisher() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180, VideoPreset.P360);
        try (LocalMedia local = LocalMedia.withTestSources(opts);
             QmuxServer server = QmuxServer.start(new InetSocketAddress("0.0.0.0", port), conn -> {
                 MoqSession session = MoqSession.start(conn);
                 session.publish(HangPlayerBrowserTest.BROADCAST, local.broadcast().consume());
                 Thread.ofVirtual().start(() -> {
                     try {
                         while (!session.isClosed()) {
                             Thread.sleep(1000);
                             System.out.println("estimate " + session.sendEstimate() + " rtt " + session.pathStats().rtt().toMillis());
                         }
                     } catch (InterruptedException e) {
                         Thread.currentThread().interrupt();
                     }
                 });
             })) {
            System.out.println("ready " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until stdin closes
            }
        }
    }
}
