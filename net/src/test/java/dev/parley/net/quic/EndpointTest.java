package dev.parley.net.quic;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class EndpointTest {
    static final String ALPN = "moq-lite-03";
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    Endpoint endpoint() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(e);
        return e;
    }

    /** Echoes every bidi stream back to the sender and records who connected. */
    static ProtocolHandler echo(LinkedBlockingQueue<Connection> accepted) {
        return conn -> {
            accepted.add(conn);
            try {
                while (true) {
                    BidiStream s = conn.acceptBidi();
                    Thread.ofVirtual().start(() -> {
                        try {
                            byte[] buf = new byte[8192];
                            int n;
                            while ((n = s.recv().read(buf, 0, buf.length)) >= 0) {
                                s.send().write(java.util.Arrays.copyOf(buf, n));
                            }
                            s.send().finish();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            System.err.println("echo stream failed: " + e); // the test decides what matters
                            e.printStackTrace();
                        }
                    });
                }
            } catch (InterruptedException | RuntimeException ignored) {
                // connection closed
            }
        };
    }

    static byte[] readAll(dev.parley.net.transport.RecvStream in) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void mutualAuthenticationOnLoopback() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, echo(accepted));

        Connection conn = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(conn.remoteId()).contains(server.id());
        assertThat(conn.protocol()).isEqualTo(ALPN);
        assertThat(conn.isClient()).isTrue();

        BidiStream s = conn.openBidi();
        s.send().write("hello".getBytes(StandardCharsets.UTF_8));
        s.send().finish();
        assertThat(new String(readAll(s.recv()), StandardCharsets.UTF_8)).isEqualTo("hello");

        Connection serverSide = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(serverSide).isNotNull();
        assertThat(serverSide.remoteId()).contains(client.id());
        assertThat(serverSide.isClient()).isFalse();
        assertThat(server.addr().directAddresses()).containsExactly(server.localAddress());
    }

    @Test
    void handlersRunOnVirtualThreadsNotTheEventLoop() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        var threads = new LinkedBlockingQueue<Thread>();
        server.register(ALPN, conn -> threads.add(Thread.currentThread()));
        client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        Thread t = threads.poll(5, TimeUnit.SECONDS);
        assertThat(t).isNotNull();
        assertThat(t.isVirtual()).isTrue();
        assertThat(t.getName()).startsWith("parley-accept-" + ALPN);
    }
}
