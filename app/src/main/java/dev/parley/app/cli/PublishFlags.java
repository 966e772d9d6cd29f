package dev.parley.app.cli;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Parsed options of {@code parley publish}.
 *
 * @param testSource publish the test pattern and tone instead of camera and microphone
 * @param name       broadcast name
 * @param renditions video renditions to encode, smallest first
 * @param bind       QUIC listen address, or {@code null} for any port on all interfaces
 * @param ws         WebSocket listen address for browsers, or {@code null} for none
 * @param audio      false with {@code --no-audio}
 * @param profile    whose identity to publish with, or {@code null} for the default profile
 * @param net        home relay and mDNS
 * @param moqRelay   a moq-lite relay URL to also publish to, or {@code null}
 */
public record PublishFlags(boolean testSource, String name, List<String> renditions,
                             InetSocketAddress bind, InetSocketAddress ws, boolean audio, String profile,
                             NetFlags net, String moqRelay) {
    public PublishFlags {
        renditions = List.copyOf(renditions);
    }

    public PublishFlags(boolean testSource, String name, List<String> renditions, InetSocketAddress bind,
                          InetSocketAddress ws, boolean audio, String profile) {
        this(testSource, name, renditions, bind, ws, audio, profile, NetFlags.NONE, null);
    }

    public PublishFlags(boolean testSource, String name, List<String> renditions, InetSocketAddress bind,
                          InetSocketAddress ws, boolean audio, String profile, NetFlags net) {
        this(testSource, name, renditions, bind, ws, audio, profile, net, null);
    }
}
