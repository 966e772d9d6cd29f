package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.PublishFlags;
import dev.parley.app.cli.Terminal;
import dev.parley.app.wiring.MediaLinks;
import dev.parley.app.wiring.ProfileIdentity;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.Devices;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.ticket.LiveTicket;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * {@code parley publish}: bind a QUIC endpoint, start {@link LocalMedia}, publish its broadcast to every
 * moq-lite session, print the ticket as the first stdout line and serve until the JVM is asked to stop.
 */
final class PublishRunner {
    /** How long a publisher with a home relay waits for its public address before printing the ticket. */
    static final java.time.Duration TICKET_WAIT = java.time.Duration.ofMillis(1500);

    private PublishRunner() {}

    static int run(PublishFlags options, Terminal terminal) {
        boolean testSource = options.testSource() || Devices.list(DeviceKind.CAMERA).isEmpty();
        if (!options.testSource() && testSource) {
            terminal.err().println("parley publish: no camera found; publishing the test pattern and tone instead");
        }
        PublishOptions media = PublishOptions.defaults()
                .withPresets(options.renditions().stream().map(VideoPreset::byLabel).toArray(VideoPreset[]::new));
        InetSocketAddress bind = options.bind() != null ? options.bind() : new InetSocketAddress(0);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // The profile's identity, so a published ticket keeps its endpoint id across runs.
        try (Endpoint endpoint = Endpoint.bind(options.net().apply(
                EndpointConfig.of(ProfileIdentity.load(options.profile())).withBindAddress(bind)));
             LocalMedia local = testSource ? LocalMedia.withTestSources(media) : LocalMedia.withDevices(null, null, media);
             Moq moq = Moq.attach(endpoint, Moq.Options.DEFAULT.withAutoAccept(true));
             // browsers and other WebSocket clients: the same manager serves QMux connections (null = none)
             QmuxServer ws = options.ws() == null ? null : QmuxServer.start(options.ws(), moq::handleConnection)) {
            if (!options.audio()) {
                local.setMicOn(false);
            }
            moq.publish(options.name(), local.broadcast().consume());
            AutoCloseable governor = MediaLinks.governUplink(local, () -> MediaLinks.sendEstimates(moq.sessions()));
            terminal.out().println(new LiveTicket(endpoint.addrWhenReady(TICKET_WAIT), options.name()));
            terminal.out().flush();
            AutoCloseable relayLink = () -> { };
            if (options.moqRelay() != null) {
                MoqRelayLink link = MoqRelayLink.start(moq, MoqRelayUrl.parse(options.moqRelay()));
                relayLink = link;
                terminal.out().println("parley watch --headless --moq-relay '" + options.moqRelay() + "' " + options.name());
                terminal.out().flush();
                terminal.err().println("parley publish: also published on the moq relay " + link.url().redacted() + " as '"
                        + options.name() + "' over " + link.transport() + " (the second line is how to watch it)");
            }
            if (ws != null) {
                terminal.err().println("parley publish: moq-lite over WebSocket at ws://"
                        + options.ws().getHostString() + ":" + ws.port() + "/");
            }
            terminal.err().println("parley publish: publishing '" + options.name() + "' on udp " + endpoint.localAddress()
                    + " with " + local.encoderName() + "; Ctrl+C to stop");
            terminal.err().flush();
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    // keep the JVM alive until sessions are closed, then end with 0: a stop request is success
                    closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                terminal.out().flush();
                terminal.err().flush();
                Runtime.getRuntime().halt(ExitCodes.OK);
            }, "publish-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            governor.close();
            relayLink.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            terminal.err().println("parley publish: " + e.getMessage());
            terminal.err().flush();
            closed.countDown();
            return ExitCodes.FAILED;
        }
        closed.countDown();
        return ExitCodes.OK;
    }
}
