package dev.parley.app.cli;

import java.awt.Desktop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Clicked {@code parley:} and {@code parley-room:} links on macOS. macOS does not pass a clicked link
 * as an argument: it starts Parley.app without arguments and sends an "open URL" Apple event, which
 * Java hands to {@link Desktop#setOpenURIHandler}. This inbox turns those events into the same command
 * lines as on Linux ({@link TicketLinks#rewrite}):
 * <ul>
 *   <li>a link that arrives while {@code main} is still choosing its command line (a start caused by
 *       the click) becomes that command line, so {@code parley-room:…} opens the window in the room;</li>
 *   <li>a link clicked later, while Parley already runs, starts one more Parley process with the link
 *       as its argument, as the Linux desktop entry ({@code parley %u}) does.</li>
 * </ul>
 * The Apple event arrives on the AppKit thread, which must not block: {@link #offer} only queues or
 * hands off. Elsewhere (Linux, Windows, headless) {@link #install} returns an empty Optional and nothing
 * changes.
 */
public final class LinkInbox {
    private static final String ROOM = "parley-room:";
    private static final String LIVE = "parley:";
    private static final int CAPACITY = 16;

    private final BlockingQueue<String> early = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<String> later;
    private final Object lock = new Object();
    private boolean started;

    /** @param later what to do with a link once the command line is chosen (called off the caller's thread by {@link #install}) */
    public LinkInbox(Consumer<String> later) {
        this.later = later;
    }

    /**
     * Registers the open-URI handler where the platform delivers links as events (macOS). Links clicked
     * after start-up start {@code launcher <link>} on a virtual thread.
     */
    public static Optional<LinkInbox> install(List<String> launcher) {
        // The OS check first: on Linux, Desktop.getDesktop() would load AWT's X11 toolkit next to JavaFX.
        if (!System.getProperty("os.name", "").startsWith("Mac") || launcher.isEmpty() || !Desktop.isDesktopSupported()) {
            return Optional.empty();
        }
        Desktop desktop = Desktop.getDesktop();
        if (!desktop.isSupported(Desktop.Action.APP_OPEN_URI)) {
            return Optional.empty();
        }
        LinkInbox inbox = new LinkInbox(link -> Thread.ofVirtual().name("parley-open-link").start(() -> relaunch(launcher, link)));
        desktop.setOpenURIHandler(event -> inbox.offer(event.getURI().toString()));
        return Optional.of(inbox);
    }

    /** The launcher of this process ({@code Parley.app/Contents/MacOS/Parley}), empty when unknown. */
    public static List<String> currentLauncher() {
        return ProcessHandle.current().info().command().map(List::of).orElse(List.of());
    }

    /** True for {@code parley:…} and {@code parley-room:…} links; anything else is ignored. */
    public static boolean isParleyLink(String uri) {
        if (uri == null) {
            return false;
        }
        String link = uri.strip();
        return link.startsWith(ROOM) && !link.substring(ROOM.length()).isBlank()
                || link.startsWith(LIVE) && !link.substring(LIVE.length()).isBlank();
    }

    /** The command line that opens {@code link} in a new process. */
    public static List<String> relaunchCommand(List<String> launcher, String link) {
        List<String> command = new ArrayList<>(launcher);
        command.add(link.strip());
        return command;
    }

    /** Called for every opened URI (any thread, never blocks). */
    public void offer(String uri) {
        if (!isParleyLink(uri)) {
            return;
        }
        synchronized (lock) {
            if (!started && early.offer(uri.strip())) {
                return;
            }
        }
        later.accept(uri.strip());
    }

    /**
     * The command line for this run: {@code args} when there are any, else the command line of a link
     * that arrives within {@code wait} (the click that started Parley), else no arguments. Links that
     * arrive afterwards go to {@code later}; links queued but not used here go there too.
     */
    public String[] commandLine(String[] args, Duration wait) throws InterruptedException {
        String first = args.length == 0 ? early.poll(wait.toNanos(), TimeUnit.NANOSECONDS) : null;
        List<String> rest = new ArrayList<>();
        synchronized (lock) {
            started = true;
            early.drainTo(rest);
        }
        rest.forEach(later);
        return TicketLinks.rewrite(first == null ? args : new String[] {first});
    }

    private static void relaunch(List<String> launcher, String link) {
        try {
            new ProcessBuilder(relaunchCommand(launcher, link)).inheritIO().start();
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(LinkInbox.class).warn("cannot open {}: {}", link, e.getMessage());
        }
    }
}
