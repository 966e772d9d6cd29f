package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code parley watch}: subscribe to a broadcast and report what arrives. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Watch a broadcast without a window and print what arrives (frames, renditions, stats).")
final class WatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TICKET", description = "The broadcast ticket printed by 'parley publish'.")
    String ticket;

    @Option(names = "--headless", description = "Run without a window (required in this build).")
    boolean headless;

    @Option(names = "--rendition", paramLabel = "auto|NAME", defaultValue = "auto",
            converter = Converters.RenditionChoice.class,
            description = "Rendition to receive: auto (adapt to the network) or a fixed one such as 360p (default: ${DEFAULT-VALUE}).")
    String rendition;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this many seconds (default: until interrupted).")
    Long durationSeconds;

    @picocli.CommandLine.Mixin
    NetOptions.Mixin net = new NetOptions.Mixin();

    @Spec
    CommandSpec spec;

    private final CliContext context;

    WatchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (!headless) {
            throw new ParameterException(spec.commandLine(),
                    "watching in a window is not part of this build; add --headless, or join a room with 'parley room TICKET'");
        }
        if (durationSeconds != null && durationSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--duration must be a positive number of seconds, got " + durationSeconds);
        }
        Duration duration = durationSeconds == null ? null : Duration.ofSeconds(durationSeconds);
        return context.engines().watch(new WatchOptions(ticket.strip(), rendition, duration, net.options(spec)), context.terminal());
    }
}
