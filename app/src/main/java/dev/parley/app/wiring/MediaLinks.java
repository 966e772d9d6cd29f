package dev.parley.app.wiring;

import dev.parley.media.adapt.LinkSample;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.transport.PathStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one wiring between connections and media adaptation, shared by the window and the headless
 * commands: a watcher is fed {@link LinkSample}s (its path statistics with the publisher's PROBE
 * estimate), and a publisher's congestion response is fed its sender estimates.
 */
public final class MediaLinks {
    private static final Logger LOG = LoggerFactory.getLogger(MediaLinks.class);
    private static final long PERIOD_MS = 200;

    private MediaLinks() {}

    /** What a watcher is fed for one path sample. */
    public static LinkSample sample(PathStats path, OptionalLong peerEstimate) {
        return new LinkSample(path, peerEstimate.orElse(0));
    }

    /** Feeds {@code media} every path-stats sample of {@code session}'s connection (about every 200 ms) until closed. */
    public static AutoCloseable follow(MoqSession session, RemoteMedia media) {
        return session.connection().onPathStats(p -> media.onLink(sample(p, session.probeEstimate())));
    }

    /** The sender estimates of the sessions that subscribe something of ours (bps, 0 = unknown). */
    public static List<Long> sendEstimates(Collection<MoqSession> sessions) {
        return sessions.stream().filter(s -> !s.isClosed() && s.servedSubscriptions() > 0)
                .map(MoqSession::sendEstimate).toList();
    }

    /**
     * Runs the publisher's congestion response every 200 ms on thread {@code uplink-governor} until
     * closed: {@link LocalMedia#onUplinkEstimates} with what {@code estimates} reports.
     */
    public static AutoCloseable governUplink(LocalMedia media, Supplier<List<Long>> estimates) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("uplink-governor").daemon().unstarted(r));
        timer.scheduleWithFixedDelay(() -> {
            try {
                media.onUplinkEstimates(estimates.get());
            } catch (RuntimeException e) {
                LOG.debug("uplink governor tick failed: {}", e.toString());
            }
        }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }
}
