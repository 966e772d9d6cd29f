package dev.parley.app;

import dev.parley.app.cli.Cli;
import dev.parley.app.cli.CliContext;
import dev.parley.app.cli.LinkInbox;
import dev.parley.app.cli.ProcessStart;
import dev.parley.app.cli.TicketLinks;
import dev.parley.app.ui.ParleyApp;
import dev.parley.app.headless.HeadlessEngines;

import java.time.Duration;
import java.util.Optional;

/**
 * Entry point of the {@code parley} command. Not a JavaFX {@code Application} on purpose: JavaFX is
 * on the class path, and only a separate launcher class may start it from there.
 */
public final class Main {
    private Main() {}

    /** How long a start without arguments waits for the clicked link that may have caused it (macOS). */
    private static final Duration LINK_WAIT = Duration.ofMillis(750);

    public static void main(String[] args) throws InterruptedException {
        ProcessStart.markMain();
        // macOS delivers clicked links as events, not arguments; elsewhere this is empty.
        Optional<LinkInbox> links = LinkInbox.install(LinkInbox.currentLauncher());
        String[] commandLine = links.isPresent() ? links.get().commandLine(args, LINK_WAIT) : TicketLinks.rewrite(args);
        // The window's services depend on the parsed request (profile identity, demo peers).
        int code = Cli.run(commandLine,
                CliContext.system(new HeadlessEngines(), request -> ParleyApp.run(request, Wiring.services(request))));
        System.exit(code);
    }
}
