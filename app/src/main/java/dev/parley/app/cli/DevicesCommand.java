package dev.parley.app.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code parley devices}: list capture devices. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List cameras, microphones, screens and the codecs this machine can use.")
final class DevicesCommand implements Callable<Integer> {
    private final CliContext context;

    DevicesCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return context.engines().devices(context.terminal());
    }
}
