package dev.parley.net.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy itself, with plain UDP sockets. */
@Timeout(30)
class UdpProxyTest {

    private static DatagramSocket socket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(2000);
        return s;
    }

    @Test
    void forwardsBothWays() throws Exception {
        try (DatagramSocket server = socket(); DatagramSocket client = socket();
             UdpProxy proxy = new UdpProxy((InetSocketAddress) server.getLocalSocketAddress())) {
            client.send(new DatagramPacket(new byte[] {1, 2}, 2, proxy.address()));
            DatagramPacket in = new DatagramPacket(new byte[10], 10);
            server.receive(in);
            assertThat(in.getLength()).isEqualTo(2);
            server.send(new DatagramPacket(new byte[] {3}, 1, in.getSocketAddress()));
            DatagramPacket back = new DatagramPacket(new byte[10], 10);
            client.receive(back);
            assertThat(back.getData()[0]).isEqualTo((byte) 3);
            assertThat(proxy.forwarded()).isEqualTo(2);
        }
    }

    @Test
    void lossCanBeChangedWhileRunning() throws Exception {
        try (DatagramSocket server = socket(); DatagramSocket client = socket();
             UdpProxy proxy = new UdpProxy((InetSocketAddress) server.getLocalSocketAddress()).loss(100)) {
            for (int i = 0; i < 20; i++) {
                client.send(new DatagramPacket(new byte[] {1}, 1, proxy.address()));
            }
            server.setSoTimeout(300);
            DatagramPacket in = new DatagramPacket(new byte[10], 10);
            boolean got;
            try {
                server.receive(in);
                got = true;
            } catch (SocketTimeoutException e) {
                got = false;
            }
            assertThat(got).isFalse();
            assertThat(proxy.dropped()).isEqualTo(20);

            proxy.loss(0);
            server.setSoTimeout(2000);
            client.send(new DatagramPacket(new byte[] {2}, 1, proxy.address()));
            server.receive(in);
            assertThat(in.getData()[0]).isEqualTo((byte) 2);
        }
    }

    @Test
    void delayAndRateLimitSpreadPacketsOut() throws Exception {
        try (DatagramSocket server = socket(); DatagramSocket client = socket();
             UdpProxy proxy = new UdpProxy((InetSocketAddress) server.getLocalSocketAddress())
                     .delay(Duration.ofMillis(100)).rateLimit(100_000)) {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                client.send(new DatagramPacket(new byte[1000], 1000, proxy.address()));
            }
            DatagramPacket in = new DatagramPacket(new byte[2000], 2000);
            server.receive(in);
            long first = System.nanoTime() - start;
            for (int i = 1; i < 20; i++) {
                server.receive(in);
            }
            long last = System.nanoTime() - start;
            // 100 ms delay before the first; 20 kB at 100 kB/s takes about 200 ms in all.
            assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(95).toNanos());
            assertThat(last).isGreaterThanOrEqualTo(Duration.ofMillis(280).toNanos());
        }
    }
}
