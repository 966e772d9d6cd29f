package dev.parley.net.qmux;

import dev.parley.net.transport.Connection;
import dev.parley.net.transport.UrlDialer;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** QMux over WebSocket as a {@link UrlDialer} ({@code ws://}, {@code wss://} with the default trust store). */
public final class QmuxUrlDialer implements UrlDialer {
    private final QmuxClient client;

    QmuxUrlDialer(List<String> protocols, Duration timeout) {
        this.client = new QmuxClient(QmuxConfig.defaults().withProtocols(protocols), timeout);
    }

    @Override
    public Connection connect(URI uri) {
        return client.connect(uri, Optional.empty());
    }

    @Override
    public void close() {
        client.close();
    }

    /** The {@link java.util.ServiceLoader} entry. */
    public static final class Provider implements UrlDialer.Provider {
        @Override
        public List<String> schemes() {
            return List.of("ws", "wss");
        }

        @Override
        public UrlDialer open(List<String> protocols, Duration timeout) {
            return new QmuxUrlDialer(protocols, timeout);
        }
    }
}
