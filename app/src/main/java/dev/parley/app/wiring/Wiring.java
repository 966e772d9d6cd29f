package dev.parley.app.wiring;

import dev.parley.app.cli.CommandEngines;

/** Chooses the service implementations of this build. */
public final class Wiring {
    private Wiring() {}

    /** The services of this build: adapters over media and rooms where they are wired, else honest refusals. */
    public static AppServices services() {
        return new AppServices(new RoomsCallService(), new MediaDeviceService(), CommandEngines.unwired());
    }
}
