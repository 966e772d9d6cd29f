package dev.parley.app.cli;

import dev.parley.rooms.ticket.RoomMode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code parley room}: create or join a room, in the window or headless. */
@Command(name = "room", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create a room (no TICKET) or join one, and publish camera and microphone into it.",
                "Opens the window unless --headless is given."})
final class RoomCommand implements Callable<Integer> {
    static final int MAX_DEMO_PEERS = 8;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TICKET", description = "Ticket of the room to join; without it a new room is created.")
    String ticket;

    @Option(names = "--headless", description = "Run without a window; prints the ticket, joins and leaves, and chat.")
    boolean headless;

    @Option(names = "--name", paramLabel = "DISPLAY", description = "Display name shown to the others (default: the remembered one).")
    String displayName;

    @Option(names = "--test-source", description = "Publish a test pattern and tone instead of camera and microphone.")
    boolean testSource;

    @Option(names = "--chat-stdin", description = "Headless: send each line of standard input as a chat message.")
    boolean chatStdin;

    @Option(names = "--demo-peers", paramLabel = "N", defaultValue = "0",
            description = "Also start N local demo participants publishing test sources (0-" + MAX_DEMO_PEERS + ").")
    int demoPeers;

    @ParentCommand
    ParleyCommand parent;

    @picocli.CommandLine.Mixin
    NetFlags.Mixin net = new NetFlags.Mixin();

    @picocli.CommandLine.Mixin
    MoqRelayFlags.Mixin moqRelay = new MoqRelayFlags.Mixin();

    @Option(names = "--mode", paramLabel = "relay|hybrid",
            description = "Creating a room with --moq-relay: relay (everyone publishes once to the relay and watches through it; default) "
                    + "or hybrid (direct first, the relay per peer as a fallback).")
    String mode;

    @Option(names = "--record", paramLabel = "DIR",
            description = "Record the call from the start into this folder: each participant's video and audio as a fragmented MP4, not re-encoded; announced in the chat.")
    java.nio.file.Path record;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    RoomCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (demoPeers < 0 || demoPeers > MAX_DEMO_PEERS) {
            throw new ParameterException(spec.commandLine(), "--demo-peers must be between 0 and " + MAX_DEMO_PEERS + ", got " + demoPeers);
        }
        if (chatStdin && !headless) {
            throw new ParameterException(spec.commandLine(), "--chat-stdin needs --headless (the window has its own chat panel)");
        }
        if (displayName != null && displayName.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--name must not be blank");
        }
        if (record != null && headless) {
            throw new ParameterException(spec.commandLine(), "--record needs the window: the headless room watches nobody's media");
        }
        if (record != null && java.nio.file.Files.exists(record) && !java.nio.file.Files.isDirectory(record)) {
            throw new ParameterException(spec.commandLine(), "--record needs a folder, got the file " + record);
        }
        String cleanTicket = ticket == null ? null : ticket.strip();
        String relay = moqRelay.url(spec);
        RoomMode roomMode = RoomMode.GOSSIP;
        if (mode != null) {
            try {
                roomMode = RoomMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--mode: " + e.getMessage());
            }
            if (roomMode == RoomMode.GOSSIP && relay != null) {
                throw new ParameterException(spec.commandLine(), "--mode gossip runs no relay; leave out --moq-relay, or use --mode relay or hybrid");
            }
            if (roomMode != RoomMode.GOSSIP && relay == null) {
                throw new ParameterException(spec.commandLine(), "--mode " + roomMode.label() + " needs --moq-relay URL");
            }
        } else if (relay != null) {
            roomMode = RoomMode.RELAY;
        }
        if (relay != null && cleanTicket != null) {
            throw new ParameterException(spec.commandLine(), "a ticket already names its relay and mode: --moq-relay and --mode are for creating a room");
        }
        if (headless) {
            return context.engines().room(
                    new RoomFlags(cleanTicket, displayName, testSource, chatStdin, demoPeers, parent.profile(),
                            net.options(spec), relay, roomMode),
                    context.terminal());
        }
        return context.openWindow(new GuiRequest(parent.profile(), true, cleanTicket, displayName, testSource,
                parent.stats, demoPeers, record, relay, roomMode));
    }
}
