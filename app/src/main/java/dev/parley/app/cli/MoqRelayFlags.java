package dev.parley.app.cli;

import dev.parley.net.moq.session.MoqRelayUrl;
import picocli.CommandLine.Option;

/**
 * {@code --moq-relay URL}, shared by {@code publish}, {@code watch} and {@code room}: a moq-lite relay
 * (Parley's {@code parley relay}, a moq-relay cluster, …) to publish to and watch through, beside the
 * peer-to-peer paths. {@code --relay} stays the home relay of those paths.
 */
public final class MoqRelayFlags {
    private MoqRelayFlags() {}

    /** The picocli option; {@link #url} gives the checked URL or {@code null}. */
    public static final class Mixin {
        @Option(names = "--moq-relay", paramLabel = "URL",
                description = "A moq-lite relay (https://host:port/path?jwt=TOKEN races raw QUIC and WebSocket; moql:// is QUIC only, "
                        + "moql://ENDPOINT-ID@host:port/ QUIC checked against a parley relay's key, wss://, ws:// and http:// WebSocket only): the path is the scope, "
                        + "the jwt a moq-relay token. publish: also publish there; watch: watch NAME through it; room: run the room through it.")
        String moqRelay;

        /** The URL as given (stripped), or {@code null}; one that is not a relay URL is a usage error of {@code spec}'s command. */
        public String url(picocli.CommandLine.Model.CommandSpec spec) {
            if (moqRelay == null || moqRelay.isBlank()) {
                return null;
            }
            try {
                MoqRelayUrl.parse(moqRelay);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--moq-relay: " + e.getMessage());
            }
            return moqRelay.strip();
        }
    }
}
