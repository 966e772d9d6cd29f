package dev.parley.app.cli;

/**
 * Clicked links: the desktop entry starts {@code parley %u}, so a lone {@code parley-room:…} argument
 * means "open the window and join this room". A lone live ticket ({@code parley:…}) becomes a watch.
 */
public final class TicketLinks {
    private static final String ROOM = "parley-room:";
    private static final String LIVE = "parley:";

    private TicketLinks() {}

    /** The command line a link stands for, or {@code args} unchanged. */
    public static String[] rewrite(String[] args) {
        if (args.length != 1 || args[0] == null) {
            return args;
        }
        String link = args[0].strip();
        if (link.startsWith(ROOM)) {
            return new String[] {"room", link};
        }
        if (link.startsWith(LIVE)) {
            // The window has no watch view yet; the headless watcher prints its stats.
            return new String[] {"watch", link, "--headless"};
        }
        return args;
    }
}
