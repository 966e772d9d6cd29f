package dev.parley.app.cli;

import dev.parley.net.quic.EndpointConfig;
import picocli.CommandLine.Option;

/**
 * How an endpoint reaches peers beyond its own addresses, shared by {@code room}, {@code publish} and
 * {@code watch}: a home relay, and mDNS on the LAN.
 *
 * @param relay the home relay URL ({@code http(s)://host:port/}), or {@code null} for none: without one
 *              Parley behaves as before (tickets list direct addresses only)
 * @param mdns  advertise and browse on the LAN with mDNS; on by default when a relay is set (only then
 *              can a ticket lack the addresses mDNS would find)
 */
public record NetFlags(String relay, boolean mdns) {
    public static final NetFlags NONE = new NetFlags(null, false);

    /** Applies the options to an endpoint's configuration. */
    public EndpointConfig apply(EndpointConfig config) {
        return config.withRelay(relay).withMdns(mdns);
    }

    /** The picocli options; {@link #options()} gives the record. */
    public static final class Mixin {
        @Option(names = "--relay", paramLabel = "URL",
                description = "Home relay (http://host:port/): peers reach this endpoint through it when no direct path works.")
        String relay;

        @Option(names = "--no-mdns", description = "Do not look for peers on the local network with mDNS.")
        boolean noMdns;

        /** The options; a relay URL that is not one is a usage error of {@code spec}'s command. */
        public NetFlags options(picocli.CommandLine.Model.CommandSpec spec) {
            String url = relay == null || relay.isBlank() ? null : relay.strip();
            if (url != null) {
                try {
                    dev.parley.net.relay.RelayClient.webSocketUri(url);
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--relay: " + e.getMessage());
                }
            }
            return new NetFlags(url, url != null && !noMdns);
        }
    }
}
