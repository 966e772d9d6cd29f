package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;

import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Prints loopback numbers for the QUIC binding: handshake time, bulk throughput on one stream,
 * and a one-byte ping-pong round trip. Run it as a plain main (not a test); numbers vary by machine.
 */
public final class QuicLoopbackBench {
    private QuicLoopbackBench() {
    }

    public static void main(String[] args) throws Exception {
        try (Endpoint server = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             Endpoint client = Endpoint.bind(EndpointConfig.loopback(Identity.generate()))) {
            var accepted = new LinkedBlockingQueue<Connection>();
            server.register(EndpointTest.ALPN, accepted::add);

            // Warm up, then time fresh handshakes (each new connection needs the previous one closed).
            long[] handshakes = new long[10];
            for (int i = -3; i < handshakes.length; i++) {
                long t0 = System.nanoTime();
                Connection c = client.connect(server.addr(), EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
                long t = System.nanoTime() - t0;
                if (i >= 0) {
                    handshakes[i] = t;
                }
                accepted.take();
                c.close(0, "");
                c.closed().get(5, TimeUnit.SECONDS);
            }
            Arrays.sort(handshakes);
            System.out.printf("handshake (mTLS Ed25519, loopback): median %.2f ms, min %.2f ms%n",
                    handshakes[handshakes.length / 2] / 1e6, handshakes[0] / 1e6);

            Connection c = client.connect(server.addr(), EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
            Connection s = accepted.take();
            int total = 256 * 1024 * 1024;
            byte[] chunk = new byte[64 * 1024];
            for (int round = 0; round < 2; round++) {
                SendStream out = c.openUni();
                long t0 = System.nanoTime();
                Thread writer = Thread.ofVirtual().start(() -> {
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        out.write(chunk);
                    }
                    out.finish();
                });
                RecvStream in = s.acceptUni();
                byte[] buf = new byte[64 * 1024];
                long got = 0;
                int n;
                while ((n = in.read(buf, 0, buf.length)) >= 0) {
                    got += n;
                }
                writer.join();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("bulk uni stream %s: %d MiB in %.2f s = %.0f MiB/s%n", round == 0 ? "(warm-up)" : "",
                        got >> 20, secs, (got >> 20) / secs);
            }

            Thread.ofVirtual().start(() -> {
                try {
                    BidiStream echo = s.acceptBidi();
                    byte[] b = new byte[1];
                    while (echo.recv().read(b, 0, 1) > 0) {
                        echo.send().write(b.clone());
                        echo.send().flush();
                    }
                } catch (InterruptedException | RuntimeException done) {
                    // closed
                }
            });
            BidiStream ping = c.openBidi();
            byte[] b = new byte[1];
            int rounds = 2000;
            long t0 = 0;
            for (int i = -200; i < rounds; i++) {
                if (i == 0) {
                    t0 = System.nanoTime();
                }
                ping.send().write(new byte[] {1});
                ping.send().flush();
                ping.recv().read(b, 0, 1);
            }
            System.out.printf("ping-pong over a bidi stream: %.1f us per round trip; quiche smoothed rtt %s%n",
                    (System.nanoTime() - t0) / 1e3 / rounds, c.pathStats().rtt());
        }
    }
}
