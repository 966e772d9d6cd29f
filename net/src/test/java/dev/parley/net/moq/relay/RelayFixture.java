package dev.parley.net.moq.relay;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.moq.session.SessionConfig;
import dev.parley.net.moq.session.SessionHooks;
import dev.parley.net.qmux.QmuxClient;
import dev.parley.net.qmux.QmuxConfig;
import dev.parley.net.qmux.QmuxConnection;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.transport.Connection;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A relay on loopback (raw QUIC on its own endpoint, WebSocket on an ephemeral port) and real clients of it. */
final class RelayFixture implements AutoCloseable {
    final Endpoint endpoint;
    final MoqRelay relay;
    final InetSocketAddress ws;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    RelayFixture(ScopeResolver resolver) {
        this(resolver, RelayConfig.DEFAULT, Clock.systemUTC());
    }

    RelayFixture(ScopeResolver resolver, RelayConfig config, Clock clock) {
        endpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        relay = new MoqRelay(resolver, config, clock).attach(endpoint);
        ws = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.empty());
    }

    /** A client endpoint, closed with the fixture. */
    Endpoint clientEndpoint() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(e);
        return e;
    }

    /** A raw QUIC session to the relay offering lite-05/04/03; {@code setupPath} goes in the lite-05 SETUP. */
    MoqSession quic(Optional<String> setupPath) throws Exception {
        Connection c = clientEndpoint().connect(endpoint.addr(), relay.config().alpns()).get(10, TimeUnit.SECONDS);
        SessionHooks hooks = setupPath.map(SessionHooks.NONE::withSetupPath).orElse(SessionHooks.NONE);
        MoqSession s = MoqSession.start(c, SessionConfig.DEFAULT, hooks);
        toClose.add(s);
        return s;
    }

    /** A QMux connection to {@code ws://relay/pathAndQuery} offering {@code protocols}. */
    QmuxConnection wsConnection(String pathAndQuery, List<String> protocols) {
        return wsConnection(pathAndQuery, QmuxConfig.defaults().withProtocols(protocols));
    }

    QmuxConnection wsConnection(String pathAndQuery, QmuxConfig config) {
        QmuxClient client = new QmuxClient(config, Duration.ofSeconds(10));
        toClose.add(client);
        QmuxConnection c = client.connect(URI.create("ws://127.0.0.1:" + ws.getPort() + pathAndQuery), Optional.empty());
        toClose.add(c);
        return c;
    }

    /** A moq session over WebSocket at {@code pathAndQuery} (newest version). */
    MoqSession ws(String pathAndQuery) {
        MoqSession s = MoqSession.start(wsConnection(pathAndQuery, QmuxConfig.MOQ_LITE));
        toClose.add(s);
        return s;
    }

    /**
     * A live feed: a broadcast with a {@code video} track (priority 60) appending a group every
     * {@code interval}, {@code frames} frames of {@code frameBytes} each; frame 0 starts with the send time
     * in nanoseconds and the group sequence.
     */
    static final class Feed implements AutoCloseable {
        final BroadcastProducer broadcast = new BroadcastProducer();
        final TrackProducer video = broadcast.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Feed(Duration interval, int frames, int frameBytes) {
            thread = Thread.ofVirtual().name("feed").start(() -> {
                try {
                    while (running.get()) {
                        GroupProducer g = video.appendGroup();
                        for (int f = 0; f < frames; f++) {
                            byte[] frame = new byte[Math.max(16, frameBytes)];
                            ByteBuffer.wrap(frame).putLong(System.nanoTime()).putLong(g.sequence());
                            frame[16 % frame.length] = (byte) f;
                            g.writeFrame(frame);
                        }
                        g.close();
                        Thread.sleep(interval.toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (dev.parley.net.moq.model.MoqException e) {
                    // the broadcast was closed
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(2000);
            broadcast.close();
        }
    }

    /** Send time (nanoTime) and group sequence carried in a feed frame 0. */
    static long[] stamp(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        return new long[]{b.getLong(), b.getLong()};
    }

    void closeLater(AutoCloseable c) {
        toClose.add(c);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        relay.close();
        endpoint.close();
    }
}
