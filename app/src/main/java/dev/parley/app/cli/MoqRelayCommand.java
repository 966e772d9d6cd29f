package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code parley moq-relay}: a Media-over-QUIC relay until interrupted; on Ctrl-C it drains (new sessions
 * refused, GOAWAY, up to 5 s for sessions to end). Meant to be folded into {@code parley relay}.
 */
@Command(name = "moq-relay", mixinStandardHelpOptions = true,
        description = {"Run a Media-over-QUIC relay (moq-lite 03/04/05) for browsers, rooms and watchers.",
                "Prints its WebSocket URL first, then its QUIC endpoint."})
final class MoqRelayCommand implements Callable<Integer> {
    @Mixin
    MoqRelayOptions options = new MoqRelayOptions();

    private final CliContext context;

    MoqRelayCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        MoqRelayOptions.Running running;
        try {
            running = options.start();
        } catch (IllegalArgumentException e) {
            context.terminal().err().println("parley moq-relay: " + e.getMessage());
            context.terminal().err().flush();
            return ExitCodes.USAGE;
        }
        var out = context.terminal().out();
        out.println(running.url());
        out.println("quic " + running.endpoint().id() + "@" + running.endpoint().localAddress().getHostString()
                + ":" + running.endpoint().localAddress().getPort());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            running.relay().drain(Duration.ofSeconds(5));
            running.close();
            stopped.countDown();
        }, "moq-relay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return ExitCodes.OK;
    }
}
