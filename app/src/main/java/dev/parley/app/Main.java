package dev.parley.app;

import dev.parley.app.cli.Cli;
import dev.parley.app.cli.CliContext;
import dev.parley.app.cli.TicketLinks;
import dev.parley.app.ui.ParleyApp;
import dev.parley.app.headless.HeadlessEngines;
import dev.parley.app.wiring.Wiring;

/**
 * Entry point of the {@code parley} command. Not a JavaFX {@code Application} on purpose: JavaFX is
 * on the class path, and only a separate launcher class may start it from there.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The window's services depend on the parsed request (profile identity, demo peers).
        int code = Cli.run(TicketLinks.rewrite(args),
                CliContext.system(new HeadlessEngines(), request -> ParleyApp.run(request, Wiring.services(request))));
        System.exit(code);
    }
}
