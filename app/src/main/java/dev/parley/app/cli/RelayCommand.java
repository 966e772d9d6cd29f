package dev.parley.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code parley relay}: run a packet relay (and STUN) for peers that cannot reach each other directly. */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a relay: forwards encrypted packets between peers that cannot connect directly "
                + "(iroh relay protocol over WebSocket at /relay) and answers STUN so peers learn their public address.",
                "Prints the relay URL as the first line and serves until stopped (Ctrl+C)."})
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
        for (Path p : new Path[] {tlsCert, tlsKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + p);
            }
        }
        if (stunPort != null && (stunPort < 0 || stunPort > 65535)) {
            throw new ParameterException(spec.commandLine(), "--stun-port " + stunPort + " is outside 0-65535");
        }
        return context.engines().relay(new RelayOptions(listen, stunPort, tlsCert, tlsKey, rateLimit), context.terminal());
    }
}
