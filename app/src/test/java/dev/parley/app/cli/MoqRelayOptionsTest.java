package dev.parley.app.cli;

import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code parley moq-relay}'s options: a relay that serves a public prefix, and clear errors for bad input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoqRelayOptionsTest {

    private static MoqRelayOptions parse(String... args) {
        MoqRelayOptions o = new MoqRelayOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void servesAPublicPrefixAndRefusesTheRest() throws Exception {
        try (MoqRelayOptions.Running r = parse("--listen", "127.0.0.1:0", "--public", "/demo").start();
             QmuxClient client = new QmuxClient()) {
            assertThat(r.url()).startsWith("ws://127.0.0.1:").endsWith("/");
            assertThat(r.webSocket().getPort()).isEqualTo(r.endpoint().localAddress().getPort());
            MoqSession ok = MoqSession.start(client.connect(r.url() + "demo"));
            MoqSession refused = MoqSession.start(client.connect(r.url() + "private"));
            assertThat(refused.closed().get(10, TimeUnit.SECONDS).toString()).contains("not public");
            Thread.sleep(Duration.ofMillis(200));
            assertThat(ok.isClosed()).isFalse();
            ok.close();
        }
    }

    @Test
    void badOptionsAreClearErrors() {
        assertThatThrownBy(() -> parse("--listen", "127.0.0.1:0").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public PREFIX and/or --jwt-key");
        assertThatThrownBy(() -> parse("--listen", "127.0.0.1:0", "--public", "/a/../b").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dot segment");
        assertThatThrownBy(() -> parse("--listen", "127.0.0.1:0", "--public", "/", "--tls-cert", "x.pem").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("go together");
        assertThatThrownBy(() -> parse("--listen", "localhost:1"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not an IP address");
    }
}
