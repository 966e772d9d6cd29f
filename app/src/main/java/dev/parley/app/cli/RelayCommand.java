package dev.parley.app.cli;

import dev.parley.net.moq.relay.ScopePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code parley relay}: a packet relay (and STUN) for peers that cannot reach each other directly and, given
 * {@code --public} or {@code --jwt-key}, a Media-over-QUIC relay for browsers and rooms larger than a mesh.
 */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a relay: forwards encrypted packets between peers that cannot connect directly "
                + "(iroh relay protocol over WebSocket at /relay) and answers STUN so peers learn their public address.",
                "With --public or --jwt-key it also relays media (moq-lite 03/04/05) on --media-listen: WebSocket on the "
                + "TCP port, raw QUIC on the UDP port; clients connect at a path (their scope), with ?jwt= tokens "
                + "(moq-relay's claims) and ?pull=TICKET to have the relay fetch a Parley broadcast.",
                "Prints the relay URL as the first line (and the media relay's as the second) and serves until stopped (Ctrl+C)."})
final class RelayCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "IP:PORT", converter = Converters.SocketAddress.class,
            defaultValue = "0.0.0.0:3340", description = "HTTP/WebSocket listen address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--stun-port", paramLabel = "PORT",
            description = "UDP port of the STUN responder (default: the --listen port number; 0 turns STUN off).")
    Integer stunPort;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve https/wss instead of plain http/ws.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--rate-limit", paramLabel = "BYTES", converter = Converters.ByteRate.class, defaultValue = "0",
            description = "Per-client limit on what one client sends, in bytes per second (k, M, G suffixes; default: none).")
    long rateLimit;

    @Option(names = "--media-listen", paramLabel = "IP:PORT", converter = Converters.SocketAddress.class,
            description = "Where the media relay listens: WebSocket on this TCP port, raw QUIC on the same UDP port "
                    + "(default: the --listen IP, port " + MediaRelayFlags.DEFAULT_PORT + ").")
    InetSocketAddress mediaListen;

    @Option(names = "--public", paramLabel = "PREFIX",
            description = "Relay media: anyone may read and publish under PREFIX, e.g. / or /demo (repeatable).")
    List<String> publicPrefixes = new ArrayList<>();

    @Option(names = "--public-read", paramLabel = "PREFIX",
            description = "Relay media: anyone may read under PREFIX (repeatable).")
    List<String> publicReadPrefixes = new ArrayList<>();

    @Option(names = "--jwt-key", paramLabel = "FILE",
            description = "Relay media for ?jwt= tokens with moq-relay's claims (root, get, put, exp) that this JWK "
                    + "public key (EdDSA) verifies.")
    Path jwtKey;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    RelayCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        for (Path p : new Path[] {tlsCert, tlsKey, jwtKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + p);
            }
        }
        if (stunPort != null && (stunPort < 0 || stunPort > 65535)) {
            throw new ParameterException(spec.commandLine(), "--stun-port " + stunPort + " is outside 0-65535");
        }
        for (String prefix : concat(publicPrefixes, publicReadPrefixes)) {
            String problem = ScopePath.problem(prefix);
            if (problem != null) {
                throw new ParameterException(spec.commandLine(), "bad prefix " + prefix + ": " + problem);
            }
        }
        MediaRelayFlags media = null;
        if (!publicPrefixes.isEmpty() || !publicReadPrefixes.isEmpty() || jwtKey != null) {
            InetSocketAddress at = mediaListen != null ? mediaListen
                    : new InetSocketAddress(listen.getAddress(), MediaRelayFlags.DEFAULT_PORT);
            media = new MediaRelayFlags(at, publicPrefixes, publicReadPrefixes, jwtKey);
        } else if (mediaListen != null) {
            throw new ParameterException(spec.commandLine(),
                    "--media-listen needs --public PREFIX, --public-read PREFIX or --jwt-key FILE (who may use the media relay)");
        }
        return context.engines().relay(new RelayFlags(listen, stunPort, tlsCert, tlsKey, rateLimit, media), context.terminal());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
