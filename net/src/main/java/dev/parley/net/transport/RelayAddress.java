package dev.parley.net.transport;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * The far end of a relayed path, as {@link dev.parley.net.transport.PathStats#remote()} reports it: the
 * relay's URL (a relayed connection's own socket address is the path layer's stand-in, which means
 * nothing to a person reading the stats overlay).
 */
public final class RelayAddress extends SocketAddress {
    private final String url;

    public RelayAddress(String url) {
        this.url = Objects.requireNonNull(url, "url");
    }

    public String url() {
        return url;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayAddress r && r.url.equals(url);
    }

    @Override
    public int hashCode() {
        return url.hashCode();
    }

    /** {@code relay URL}, the form the overlay and {@link PathInfo#describe()} print. */
    @Override
    public String toString() {
        return "relay " + url;
    }
}
