package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.Terminal;
import dev.parley.app.cli.WatchOptions;
import dev.parley.net.ticket.LiveTicket;
import dev.parley.net.ticket.TicketException;

/**
 * {@code parley watch}: validates the ticket first, so a bad ticket is one clear line and exit code 2.
 * Dialing and decoding are not wired in this build yet; a valid ticket gets an honest refusal.
 */
final class WatchRunner {
    private WatchRunner() {}

    static int run(WatchOptions options, Terminal terminal) {
        LiveTicket ticket;
        try {
            ticket = LiveTicket.parse(options.ticket());
        } catch (TicketException e) {
            terminal.err().println("parley watch: bad ticket: " + e.getMessage());
            terminal.err().flush();
            return ExitCodes.USAGE;
        }
        terminal.err().println("parley watch: ticket for '" + ticket.broadcast() + "' is valid, but watching "
                + "(the subscribe and decode pipeline) is not available in this build yet.");
        terminal.err().flush();
        return ExitCodes.NOT_AVAILABLE;
    }
}
