package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.concurrent.Callable;

/** {@code parley}: with no command it opens the window; the subcommands run without one. */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Peer-to-peer video calls over Media-over-QUIC.",
                "Without a command, opens the Parley window."},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Exit codes: 0 ok, 1 failed, 2 bad command line, 3 no display, 4 not available in this build."})
public final class ParleyCommand implements Callable<Integer> {
    @Option(names = "--profile", paramLabel = "NAME", scope = ScopeType.INHERIT,
            converter = Converters.Profile.class,
            description = "Use the settings and identity of profile NAME (to run several Parleys on one machine; watch always uses a fresh identity).")
    String profile;

    @Option(names = "--stats", description = "Open the debug stats overlay when a room opens.")
    boolean stats;

    private final CliContext context;

    ParleyCommand(CliContext context) {
        this.context = context;
    }

    /** The profile named on the command line, or {@code null} for the default one. */
    String profile() {
        return profile;
    }

    @Override
    public Integer call() {
        return context.openWindow(GuiRequest.startScreen(profile, stats));
    }
}
