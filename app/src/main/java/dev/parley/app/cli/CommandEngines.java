package dev.parley.app.cli;

/**
 * The engines behind the headless commands. The command classes only parse and validate; the
 * media and rooms modules plug their work in here. Each method blocks until the command is done and
 * returns the exit code.
 */
public interface CommandEngines {
    int publish(PublishFlags options, Terminal terminal);

    int watch(WatchFlags options, Terminal terminal);

    int devices(Terminal terminal);

    int room(RoomFlags options, Terminal terminal);

    /** {@code parley relay}; builds without a relay refuse it. */
    default int relay(RelayFlags options, Terminal terminal) {
        terminal.err().println("parley relay: the relay is not available in this build yet.");
        terminal.err().flush();
        return ExitCodes.NOT_AVAILABLE;
    }

    /** {@code parley netcheck}; builds without the network engine refuse it. */
    default int netcheck(NetFlags net, java.time.Duration wait, Terminal terminal) {
        terminal.err().println("parley netcheck: not available in this build.");
        terminal.err().flush();
        return ExitCodes.NOT_AVAILABLE;
    }

    /** Engines for a build that has none of them wired in yet: every command says so and fails. */
    static CommandEngines unwired() {
        return new CommandEngines() {
            @Override
            public int publish(PublishFlags options, Terminal terminal) {
                return refuse(terminal, "publish", "publishing (the capture and encode pipeline)");
            }

            @Override
            public int watch(WatchFlags options, Terminal terminal) {
                return refuse(terminal, "watch", "watching (the subscribe and decode pipeline)");
            }

            @Override
            public int devices(Terminal terminal) {
                return refuse(terminal, "devices", "device discovery (the media module)");
            }

            @Override
            public int room(RoomFlags options, Terminal terminal) {
                return refuse(terminal, "room", "joining rooms (the rooms module)");
            }

            private int refuse(Terminal terminal, String command, String what) {
                terminal.err().println("parley " + command + ": " + what + " is not available in this build yet.");
                terminal.err().flush();
                return ExitCodes.NOT_AVAILABLE;
            }
        };
    }
}
