package dev.parley.app.headless;

import dev.parley.app.cli.MediaRelayFlags;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code parley relay}'s media relay: it serves a public prefix, refuses the rest, and bad input is a clear error. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MediaRelayListenersTest {
    private static MediaRelayFlags publicAt(String... prefixes) {
        return new MediaRelayFlags(new InetSocketAddress("127.0.0.1", 0), List.of(prefixes), List.of(), null);
    }

    @Test
    void servesAPublicPrefixAndRefusesTheRest() throws Exception {
        try (MediaRelayListeners r = MediaRelayListeners.start(publicAt("/demo"), null, null);
             QmuxClient client = new QmuxClient()) {
            String url = r.url("127.0.0.1");
            assertThat(url).startsWith("ws://127.0.0.1:").endsWith("/");
            assertThat(r.webSocket().getPort()).isEqualTo(r.endpoint().localAddress().getPort());
            MoqSession ok = MoqSession.start(client.connect(url + "demo"));
            MoqSession refused = MoqSession.start(client.connect(url + "private"));
            assertThat(refused.closed().get(10, TimeUnit.SECONDS).toString()).contains("not public");
            Thread.sleep(Duration.ofMillis(200));
            assertThat(ok.isClosed()).isFalse();
            ok.close();
        }
    }

    @Test
    void badOptionsAreClearErrors() {
        assertThatThrownBy(() -> MediaRelayListeners.start(publicAt(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public PREFIX and/or --jwt-key");
        assertThatThrownBy(() -> MediaRelayListeners.start(publicAt("/a/../b"), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dot segment");
    }
}
