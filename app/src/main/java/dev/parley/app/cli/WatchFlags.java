package dev.parley.app.cli;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Parsed options of {@code parley watch}.
 *
 * @param ticket    the broadcast ticket to watch, or null when listening
 * @param rendition {@code auto} or a rendition name such as {@code 360p}
 * @param duration  how long to watch, or {@code null} until interrupted
 * @param record    fragmented MP4 to record what is received into, or {@code null}
 * @param listen    instead of dialing a ticket: wait for a publisher to connect, or null
 * @param net       home relay and mDNS
 * @param moqRelay  a moq-lite relay URL to watch through ({@code ticket} is then the broadcast name), or {@code null}
 */
public record WatchFlags(String ticket, String rendition, Duration duration, Path record, Listen listen,
                           NetFlags net, String moqRelay) {
    public WatchFlags(String ticket, String rendition, Duration duration, Path record, Listen listen, NetFlags net) {
        this(ticket, rendition, duration, record, listen, net, null);
    }

    public WatchFlags(String ticket, String rendition, Duration duration) {
        this(ticket, rendition, duration, null, null, NetFlags.NONE, null);
    }

    public WatchFlags(String ticket, String rendition, Duration duration, Path record, Listen listen) {
        this(ticket, rendition, duration, record, listen, NetFlags.NONE, null);
    }

    /**
     * {@code --listen [HOST:]PORT --name NAME}: a WebSocket (QMux) listener that a publisher such as a
     * browser running {@code @moq/publish} connects to and announces {@code name} on.
     *
     * @param host the address to bind (127.0.0.1 unless given)
     * @param port the port (0 picks a free one, printed in the {@code listening} line)
     * @param name the broadcast to watch once it is announced
     */
    public record Listen(String host, int port, String name) {
        /** Parses {@code PORT} or {@code HOST:PORT}; throws {@link IllegalArgumentException} with the reason. */
        public static Listen parse(String spec, String name) {
            String s = spec.strip();
            int colon = s.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : s.substring(0, colon).replaceAll("^\\[|]$", "");
            String portText = colon < 0 ? s : s.substring(colon + 1);
            int port;
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--listen takes PORT or HOST:PORT, got '" + spec + "'");
            }
            if (port < 0 || port > 65535 || host.isBlank()) {
                throw new IllegalArgumentException("--listen takes PORT (0-65535) or HOST:PORT, got '" + spec + "'");
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("--listen needs --name NAME: the broadcast the publisher announces");
            }
            return new Listen(host, port, name.strip());
        }
    }
}
