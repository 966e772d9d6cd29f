package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code parley netcheck}: what this network allows (relay, UDP, public address, IPv6, proxy). */
@Command(name = "netcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check what this network allows calls: the addresses offered to peers (IPv6 among them),",
                "and with --relay whether the relay answers (through the HTTP proxy, if one is set) and whether",
                "UDP gets out (its STUN answer and this machine's public address). Exit 1 when the relay cannot be reached."})
final class NetcheckCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    NetFlags.Mixin net = new NetFlags.Mixin();

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long to wait for the relay and its STUN answer (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    NetcheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (waitSeconds < 1 || waitSeconds > 60) {
            throw new ParameterException(spec.commandLine(), "--wait: 1 to 60 seconds, got " + waitSeconds);
        }
        return context.engines().netcheck(net.options(spec), Duration.ofSeconds(waitSeconds), context.terminal());
    }
}
