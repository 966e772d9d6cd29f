package dev.parley.net.moq.session;

import dev.parley.net.moq.model.MoqError;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GOAWAY (lite-04+): sent once, acknowledged by the peer's FIN, recorded by the receiver, a second one refused. */
@Timeout(30)
class GoawayTest {

    @Test
    void goawayIsRecordedOnceAndSentOnce() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair("moq-lite-05");
        MoqSession client = MoqSession.start(pair[0]);
        MoqSession server = MoqSession.start(pair[1]);
        try {
            assertThat(server.goingAway()).isFalse();
            assertThat(client.goaway("moqt://elsewhere.example/room")).isTrue();
            assertThat(client.goaway("again")).as("a session sends at most one GOAWAY").isFalse();
            assertThat(server.goawayReceived().get(5, TimeUnit.SECONDS)).isEqualTo("moqt://elsewhere.example/room");
            assertThat(server.goingAway()).isTrue();
            assertThat(client.goingAway()).isFalse();
            assertThat(server.isClosed()).as("GOAWAY alone closes nothing").isFalse();
        } finally {
            client.close();
            server.close();
        }
        // a session that ends without GOAWAY ends the future too, so nobody waits forever
        assertThatThrownBy(() -> client.goawayReceived().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(
                dev.parley.net.moq.model.MoqException.class);
    }

    /** leave(): the peer hears the GOAWAY before the close, and the close comes after one round trip, not the grace. */
    @Test
    void leaveSendsGoawayThenClosesOnThePeersAcknowledgement() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair("moq-lite-04");
        MoqSession client = MoqSession.start(pair[0]);
        MoqSession server = MoqSession.start(pair[1]);
        long start = System.nanoTime();
        server.leave(Duration.ofSeconds(10), 0, "shutdown").get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).as("closed on the peer's FIN, not after the 10 s grace").isLessThan(5_000);
        assertThat(client.goawayReceived().get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(client.closed().get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseReason.Remote.class,
                r -> assertThat(r.code()).isEqualTo(0));
        System.out.println("[goaway] leave took " + tookMs + " ms");
    }

    /** Versions without GOAWAY: no stream, leave() closes at once. */
    @Test
    void lite03LeavesWithoutGoaway() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair("moq-lite-03");
        MoqSession client = MoqSession.start(pair[0]);
        MoqSession server = MoqSession.start(pair[1]);
        assertThat(server.goaway("")).isFalse();
        server.leave(Duration.ofSeconds(10), 0, "bye").get(2, TimeUnit.SECONDS);
        assertThat(server.isClosed()).isTrue();
        assertThat(client.closed().get(5, TimeUnit.SECONDS)).isInstanceOf(CloseReason.Remote.class);
        assertThatThrownBy(() -> client.goawayReceived().get(5, TimeUnit.SECONDS)).isNotNull();
    }

    /** A second GOAWAY from the peer is a protocol violation: the session closes with code 15. */
    @Test
    void aSecondGoawayClosesTheSession() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair("moq-lite-04");
        MoqSession server = MoqSession.start(pair[1]);
        try {
            for (int i = 0; i < 2; i++) {
                BidiStream s = pair[0].openBidi();
                s.send().write(RawPeer.hex("05" + "0100")); // GOAWAY stream, GOAWAY { length 1, uri "" }
                s.send().finish();
            }
        } catch (dev.parley.net.transport.ConnectionClosedException e) {
            // the session may already have closed over the second GOAWAY before our FIN
        }
        assertThat(server.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseReason.Local.class, r -> {
            assertThat(r.code()).isEqualTo(MoqError.PROTOCOL_VIOLATION.wireCode());
            assertThat(r.reason()).contains("second GOAWAY");
        });
    }

    /** The manager leaves gracefully on shutdown: its peer hears GOAWAY before the session closes. */
    @Test
    void managerShutdownSendsGoaway() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair("moq-lite-05");
        Moq moq = new Moq(peer -> java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("no dialing")),
                Moq.Options.DEFAULT.withAutoAccept(true));
        MoqSession peer = MoqSession.start(pair[0]);
        moq.handleConnection(pair[1]);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (moq.sessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(moq.sessions()).hasSize(1);
        moq.shutdown();
        assertThat(peer.goawayReceived().get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(peer.closed().get(5, TimeUnit.SECONDS)).isInstanceOf(CloseReason.Remote.class);
    }
}
