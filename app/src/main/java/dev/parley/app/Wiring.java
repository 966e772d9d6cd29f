package dev.parley.app;

import dev.parley.app.cli.GuiRequest;
import dev.parley.app.headless.HeadlessEngines;
import dev.parley.app.wiring.AppServices;
import dev.parley.app.wiring.MediaDeviceService;
import dev.parley.app.wiring.RoomsCallService;

/**
 * Chooses the service implementations of this build: the composition root, next to {@link Main}, so
 * that neither {@code wiring} nor {@code headless} has to know the other's side.
 */
public final class Wiring {
    private Wiring() {}

    /** The services of this build for the default profile, without demo peers. */
    public static AppServices services() {
        return services(GuiRequest.startScreen(null, false));
    }

    /**
     * The services for a window: rooms and media with the identity of the request's profile, and the
     * request's number of demo peers added to every room the window opens.
     */
    public static AppServices services(GuiRequest request) {
        return new AppServices(
                new RoomsCallService(RoomsCallService.Config.forProfile(request.profile()), request.demoPeers()),
                new MediaDeviceService(), new HeadlessEngines());
    }
}
