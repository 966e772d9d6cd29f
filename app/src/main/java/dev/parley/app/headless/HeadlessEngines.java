package dev.parley.app.headless;

import dev.parley.app.cli.CommandEngines;
import dev.parley.app.cli.PublishOptions;
import dev.parley.app.cli.RelayOptions;
import dev.parley.app.cli.RoomOptions;
import dev.parley.app.cli.Terminal;
import dev.parley.app.cli.WatchOptions;

/** The engines of this build: publish, watch, devices, room and relay run the real modules. */
public final class HeadlessEngines implements CommandEngines {
    @Override
    public int publish(PublishOptions options, Terminal terminal) {
        return PublishRunner.run(options, terminal);
    }

    @Override
    public int watch(WatchOptions options, Terminal terminal) {
        return WatchRunner.run(options, terminal);
    }

    @Override
    public int devices(Terminal terminal) {
        return DevicesRunner.run(terminal);
    }

    @Override
    public int room(RoomOptions options, Terminal terminal) {
        return RoomRunner.run(options, terminal);
    }

    @Override
    public int relay(RelayOptions options, Terminal terminal) {
        return RelayRunner.run(options, terminal);
    }
}
