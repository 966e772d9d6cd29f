package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code parley publish}: capture, encode and serve one broadcast until interrupted. */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publish a broadcast from the camera and microphone (or the test source) and print its ticket.")
final class PublishCommand implements Callable<Integer> {
    @Option(names = "--test-source", description = "Publish a test pattern and tone instead of camera and microphone.")
    boolean testSource;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "cam",
            description = "Broadcast name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--renditions", paramLabel = "LIST", split = ",", defaultValue = "180p,360p,720p",
            converter = Converters.Rendition.class,
            description = "Video renditions to encode, comma-separated (default: ${DEFAULT-VALUE}; known: 180p, 360p, 480p, 720p, 1080p).")
    List<String> renditions;

    @Option(names = "--bind", paramLabel = "IP:PORT", converter = Converters.SocketAddress.class,
            description = "QUIC listen address (default: any free port on all interfaces).")
    InetSocketAddress bind;

    @Option(names = "--ws", paramLabel = "IP:PORT", converter = Converters.SocketAddress.class,
            description = "Also accept WebSocket (QMux) connections from browsers on this address.")
    InetSocketAddress ws;

    @Option(names = "--no-audio", description = "Publish video only.")
    boolean noAudio;

    @ParentCommand
    ParleyCommand parent;

    @picocli.CommandLine.Mixin
    NetFlags.Mixin net = new NetFlags.Mixin();

    @picocli.CommandLine.Mixin
    MoqRelayFlags.Mixin moqRelay = new MoqRelayFlags.Mixin();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final CliContext context;

    PublishCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        return context.engines().publish(
                new PublishFlags(testSource, name, renditions.stream().distinct().toList(), bind, ws, !noAudio,
                        parent.profile(), net.options(spec), moqRelay.url(spec)),
                context.terminal());
    }
}
