package dev.parley.app.cli;

import dev.parley.net.moq.relay.ScopePath;
import dev.parley.app.settings.ConfigDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
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

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "The relay's Ed25519 key (its raw QUIC identity, kept across restarts), created on first start "
                    + "(default: " + MediaRelayFlags.DEFAULT_KEY_FILE + " in the profile's config folder).")
    Path keyFile;

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Link the media relay to another moq-lite relay (a --moq-relay URL, e.g. https://peer:4443/?jwt=TOKEN): "
                    + "its broadcasts are offered here and these there; re-dialed when it drops. Two relays may link to "
                    + "each other (repeatable).")
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--goaway-uri", paramLabel = "URL",
            description = "When stopping, send media sessions (moq-lite 04/05) to this relay instead (the GOAWAY's new "
                    + "session URI), e.g. https://relay2.example:4443/. Without a path the clients keep their own scope and "
                    + "token there. Default: no redirect (they reconnect here).")
    String goawayUri;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from FILE: one 'name = value' per line, names as these options without dashes "
                    + "(e.g. 'public = /parley/rooms'); options given on the command line win.")
    Path config;

    @Spec
    CommandSpec spec;

    @ParentCommand
    ParleyCommand parent;

    private final CliContext context;

    RelayCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (config != null) {
            return withConfigFile();
        }
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
        for (String u : upstreams) {
            try {
                dev.parley.net.moq.session.MoqRelayUrl.parse(u);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--upstream: " + e.getMessage());
            }
        }
        MediaRelayFlags media = null;
        if (!publicPrefixes.isEmpty() || !publicReadPrefixes.isEmpty() || jwtKey != null) {
            InetSocketAddress at = mediaListen != null ? mediaListen
                    : new InetSocketAddress(listen.getAddress(), MediaRelayFlags.DEFAULT_PORT);
            Path key = keyFile != null ? keyFile
                    : ConfigDirs.system(parent == null ? null : parent.profile()).resolve(MediaRelayFlags.DEFAULT_KEY_FILE);
            if (goawayUri != null) {
                try {
                    dev.parley.net.moq.session.MoqRelayUrl.parse(goawayUri);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--goaway-uri: " + e.getMessage());
                }
            }
            media = new MediaRelayFlags(at, publicPrefixes, publicReadPrefixes, jwtKey, key, upstreams,
                    goawayUri == null ? null : goawayUri.strip());
        } else if (goawayUri != null) {
            throw new ParameterException(spec.commandLine(), "--goaway-uri is for the media relay: it needs --public, --public-read or --jwt-key");
        } else if (mediaListen != null || !upstreams.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    (mediaListen != null ? "--media-listen" : "--upstream")
                            + " needs --public PREFIX, --public-read PREFIX or --jwt-key FILE (who may use the media relay)");
        }
        return context.engines().relay(new RelayFlags(listen, stunPort, tlsCert, tlsKey, rateLimit, media), context.terminal());
    }

    /**
     * {@code --config FILE}: the file's settings, then the options given on the command line (so they win),
     * parsed again by a fresh command with the same checks.
     */
    private int withConfigFile() {
        List<String> args;
        try {
            args = new ArrayList<>(RelayConfigFile.arguments(config));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (o.longestName().equals("--config")) {
                continue;
            }
            for (String v : o.originalStringValues()) {
                args.add(o.longestName());
                args.add(v);
            }
        }
        RelayCommand fromFile = new RelayCommand(context);
        fromFile.parent = parent;
        try {
            new CommandLine(fromFile).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new ParameterException(spec.commandLine(), config + ": " + e.getMessage());
        }
        fromFile.spec = spec;
        return fromFile.call();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
