package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code parley watch}: subscribe to a broadcast and report what arrives; with {@code --listen}, wait for
 * a publisher (such as a browser running {@code @moq/publish}) to connect over WebSocket instead.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Watch a broadcast without a window and print what arrives (frames, renditions, stats).")
final class WatchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TICKET", description = "The broadcast ticket printed by 'parley publish' (with --moq-relay: the broadcast NAME on the relay).")
    String ticket;

    @Option(names = "--listen", paramLabel = "[HOST:]PORT",
            description = "Instead of a ticket: listen for a publisher to connect over WebSocket (ws://HOST:PORT/, host 127.0.0.1 unless given; port 0 picks one) and watch what it announces.")
    String listen;

    @Option(names = "--name", paramLabel = "NAME", description = "With --listen: the broadcast to watch (e.g. room/alice.hang).")
    String name;

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
    NetFlags.Mixin net = new NetFlags.Mixin();

    @picocli.CommandLine.Mixin
    MoqRelayFlags.Mixin moqRelay = new MoqRelayFlags.Mixin();

    @Option(names = "--record", paramLabel = "FILE",
            description = "Record what is received (video and audio, not re-encoded) into this fragmented MP4; it stays playable if Parley is killed.")
    java.nio.file.Path record;

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
        if (record != null && (java.nio.file.Files.isDirectory(record)
                || (record.toAbsolutePath().getParent() != null && !java.nio.file.Files.isDirectory(record.toAbsolutePath().getParent())))) {
            throw new ParameterException(spec.commandLine(), "--record needs a file in an existing folder, got " + record);
        }
        String relay = moqRelay.url(spec);
        if (relay != null) {
            if (listen != null || name != null) {
                throw new ParameterException(spec.commandLine(), "--moq-relay watches a NAME on the relay; it does not go with --listen or --name");
            }
            if (ticket == null || ticket.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--moq-relay needs the broadcast NAME to watch (as 'parley publish --moq-relay' prints it)");
            }
            return context.engines().watch(new WatchFlags(ticket.strip(), rendition, duration, record, null, net.options(spec), relay),
                    context.terminal());
        }
        if (listen != null) {
            if (ticket != null) {
                throw new ParameterException(spec.commandLine(), "give a TICKET or --listen, not both");
            }
            WatchFlags.Listen l;
            try {
                l = WatchFlags.Listen.parse(listen, name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            return context.engines().watch(new WatchFlags(null, rendition, duration, record, l, net.options(spec)), context.terminal());
        }
        if (ticket == null) {
            throw new ParameterException(spec.commandLine(), "missing TICKET (or --listen PORT --name NAME)");
        }
        if (name != null) {
            throw new ParameterException(spec.commandLine(), "--name goes with --listen");
        }
        return context.engines().watch(new WatchFlags(ticket.strip(), rendition, duration, record, null, net.options(spec)), context.terminal());
    }
}
