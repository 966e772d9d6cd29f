package dev.parley.net.qmux;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.ScopeResolver;
import dev.parley.net.moq.session.MoqSession;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relay over {@code wss://} with a configured certificate: a publisher and a watcher that trust it, and one that does not. */
@Timeout(60)
class RelayWssTest {

    @Test
    void publisherAndWatcherOverWss() throws Exception {
        QmuxTlsTest.SelfSigned id = QmuxTlsTest.selfSigned();
        SslContext serverTls = SslContextBuilder.forServer(id.keys().getPrivate(), id.cert()).build();
        SslContext trusting = SslContextBuilder.forClient().trustManager(id.cert()).build();
        try (MoqRelay relay = new MoqRelay(ScopeResolver.open());
             QmuxClient client = new QmuxClient()) {
            InetSocketAddress at = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.of(serverTls));
            URI url = URI.create("wss://127.0.0.1:" + at.getPort() + "/secure");
            MoqSession publisher = MoqSession.start(client.connect(url, Optional.of(trusting)));
            BroadcastProducer b = new BroadcastProducer();
            TrackProducer chat = b.createTrack(new TrackInfo("chat", TrackInfo.PRIORITY_CATALOG));
            publisher.publish("room", b.consume());
            MoqSession watcher = MoqSession.start(client.connect(url, Optional.of(trusting)));
            var track = watcher.subscribe("room", Duration.ofSeconds(10)).subscribe(new TrackInfo("chat", TrackInfo.PRIORITY_CATALOG));
            Thread.sleep(200); // let the relay's upstream subscription open, then write
            chat.appendGroupWithFrame("hello".getBytes());
            assertThat(new String(track.nextGroup(Duration.ofSeconds(10)).readFrame(Duration.ofSeconds(10)))).isEqualTo("hello");
            assertThat(relay.broadcasts()).extracting(p -> p.value()).containsExactly("secure/room");

            SslContext untrusting = SslContextBuilder.forClient().build();
            assertThatThrownBy(() -> client.connect(url, Optional.of(untrusting))).isInstanceOf(RuntimeException.class);
            publisher.close();
            watcher.close();
        }
    }
}
