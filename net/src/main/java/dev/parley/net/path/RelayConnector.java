package dev.parley.net.path;

import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayLink;
import io.netty.channel.EventLoopGroup;

/** Opens a relay link; the real one is the relay client, tests may count or refuse connections. */
@FunctionalInterface
public interface RelayConnector {
    RelayLink connect(String url, Identity identity, EventLoopGroup group, RelayLink.Listener listener);
}
