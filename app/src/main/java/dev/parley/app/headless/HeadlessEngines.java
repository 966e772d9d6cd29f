package dev.parley.app.headless;

import dev.parley.app.cli.CommandEngines;
import dev.parley.app.cli.PublishFlags;
import dev.parley.app.cli.RelayFlags;
import dev.parley.app.cli.RoomFlags;
import dev.parley.app.cli.Terminal;
import dev.parley.app.cli.WatchFlags;

/** The engines of this build: publish, watch, devices, room, relay and netcheck run the real modules. */
public final class HeadlessEngines implements CommandEngines {
    @Override
    public int publish(PublishFlags options, Terminal terminal) {
        return PublishRunner.run(options, terminal);
    }

    @Override
    public int watch(WatchFlags options, Terminal terminal) {
        return WatchRunner.run(options, terminal);
    }

    @Override
    public int devices(Terminal terminal) {
        return DevicesRunner.run(terminal);
    }

    @Override
    public int room(RoomFlags options, Terminal terminal) {
        return RoomRunner.run(options, terminal);
    }

    @Override
    public int relay(RelayFlags options, Terminal terminal) {
        return RelayRunner.run(options, terminal);
    }

    @Override
    public int netcheck(dev.parley.app.cli.NetFlags net, java.time.Duration wait, Terminal terminal) {
        return NetcheckRunner.run(net, wait, terminal);
    }
}
