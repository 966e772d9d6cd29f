package dev.parley.app.wiring;

import dev.parley.app.headless.HeadlessEngines;

/** Chooses the service implementations of this build. */
public final class Wiring {
    private Wiring() {}

    /** The services of this build: rooms and media for the window, the headless engines for the command line. */
    public static AppServices services() {
        return new AppServices(new RoomsCallService(), new MediaDeviceService(), new HeadlessEngines());
    }
}
