package dev.parley.net.qmux;

import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.wire.ClientSetup;
import dev.parley.net.moq.wire.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bare {@code qmux-00} subprotocol on the wire: the version is settled by the legacy SETUP on the
 * client's first bidi stream. Parley answers lite-02 and refuses anything else with a CONNECTION_CLOSE
 * carrying the moq {@code Version} code (9) and a reason, never a hang.
 */
@Timeout(60)
class LegacySetupWireTest {
    private static final TransportParameters GENEROUS = new TransportParameters(1 << 20, 1 << 16, 1 << 16, 1 << 16, 100, 100);

    private static Moq server() {
        return new Moq(peer -> CompletableFuture.failedFuture(new IllegalStateException("no QUIC")),
                Moq.Options.DEFAULT.withAutoAccept(true));
    }

    /** Opens a bare qmux-00 peer, exchanges transport parameters and sends {@code setup} on bidi stream 0. */
    private static RawWsPeer bare(QmuxServer ws, byte[] setup) throws Exception {
        RawWsPeer peer = new RawWsPeer(URI.create("ws://127.0.0.1:" + ws.port() + "/"), "qmux-00");
        assertThat(peer.subprotocol()).isEqualTo("qmux-00");
        assertThat(peer.next(10)).isInstanceOf(QmuxFrame.Parameters.class);
        peer.send(new QmuxFrame.Parameters(GENEROUS));
        if (setup != null) {
            peer.send(new QmuxFrame.Stream(0, 0, setup, false));
        }
        return peer;
    }

    /** Frames until a CONNECTION_CLOSE (returned) or none within the timeout (null). */
    private static QmuxFrame.ConnectionClose awaitClose(RawWsPeer peer, long seconds) throws Exception {
        for (QmuxFrame f = peer.next(seconds); f != null; f = peer.next(seconds)) {
            if (f instanceof QmuxFrame.ConnectionClose c) {
                return c;
            }
        }
        return null;
    }

    @Test
    void aLite02SetupIsAnsweredWithServerSetupLite02() throws Exception {
        try (Moq moq = server(); QmuxServer ws = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), moq::handleConnection);
             RawWsPeer peer = bare(ws, new ClientSetup(List.of(0xff0dad02L, 0xff0dad01L, 0xff00000eL)).encode())) {
            ByteArrayOutputStream onStream0 = new ByteArrayOutputStream();
            byte[] expected = ClientSetup.serverSetup(Version.LITE_02);
            for (QmuxFrame f = peer.next(10); f != null && onStream0.size() < expected.length; f = peer.next(10)) {
                if (f instanceof QmuxFrame.Stream st && st.streamId() == 0) {
                    onStream0.writeBytes(st.data());
                }
                assertThat(f).isNotInstanceOf(QmuxFrame.ConnectionClose.class);
            }
            assertThat(HexFormat.of().formatHex(onStream0.toByteArray())).isEqualTo("210009c0000000ff0dad0200");
            // the session registers just after SERVER_SETUP went out
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (moq.sessions().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(moq.sessions()).singleElement().satisfies(s -> assertThat(s.version()).isEqualTo(Version.LITE_02));
        }
    }

    @Test
    void noCommonVersionMalformedSetupOrSilenceCloseWithTheVersionCode() throws Exception {
        try (Moq moq = server(); QmuxServer ws = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), moq::handleConnection)) {
            try (RawWsPeer ietfOnly = bare(ws, new ClientSetup(List.of(0xff00000eL, 0xff0dad01L)).encode())) {
                QmuxFrame.ConnectionClose c = awaitClose(ietfOnly, 10);
                assertThat(c).isNotNull();
                assertThat(c.code()).isEqualTo(9);
                assertThat(c.reason()).contains("no common moq-lite version", "0xff00000e", "qmux-00.<version>");
            }
            try (RawWsPeer garbage = bare(ws, HexFormat.of().parseHex("0101ff"))) {
                QmuxFrame.ConnectionClose c = awaitClose(garbage, 10);
                assertThat(c).isNotNull();
                assertThat(c.code()).isEqualTo(9);
                assertThat(c.reason()).contains("malformed legacy SETUP");
            }
            long start = System.nanoTime();
            try (RawWsPeer silent = bare(ws, null)) {
                QmuxFrame.ConnectionClose c = awaitClose(silent, 15);
                assertThat(c).isNotNull();
                assertThat(c.code()).isEqualTo(9);
                assertThat(c.reason()).contains("no legacy SETUP within 10 s");
            }
            assertThat((System.nanoTime() - start) / 1_000_000_000).isBetween(9L, 14L);
            assertThat(moq.sessions()).isEmpty();
        }
    }
}
