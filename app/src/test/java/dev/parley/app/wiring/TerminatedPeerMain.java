package dev.parley.app.wiring;

import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.SourceSelection;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.Identity;
import dev.parley.net.quic.EndpointConfig;

import java.util.concurrent.TimeUnit;

/**
 * A full call-service participant in its own process, for stopping with SIGTERM: joins the ticket in
 * args[0] as "dave", prints READY and its id, then waits. It never closes its session itself.
 */
public final class TerminatedPeerMain {
    private TerminatedPeerMain() {}

    public static void main(String[] args) throws Exception {
        RoomsCallService calls = new RoomsCallService(new RoomsCallService.Config(Identity::generate,
                id -> EndpointConfig.loopback(id).withIdleTimeout(RoomsCallService.IDLE_TIMEOUT),
                PublishOptions.defaults().withPresets(VideoPreset.P180).withEncoder("libx264"),
                WatchOptions.defaults()));
        RoomSession session = calls.join(args[0], new JoinRequest("dave", SourceSelection.testSources()))
                .get(30, TimeUnit.SECONDS);
        System.out.println("READY " + session.self().id());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
