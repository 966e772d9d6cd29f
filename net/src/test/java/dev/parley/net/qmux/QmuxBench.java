package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;

import java.util.Arrays;

/**
 * Loopback numbers for QMux over WebSocket: bulk throughput of one uni stream and the round-trip time
 * of small request/response exchanges on bidi streams. Run:
 * {@code mvn -pl net test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.parley.net.qmux.QmuxBench}
 * or from the IDE.
 */
public final class QmuxBench {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        try (var t = new QmuxTestSupport(); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            byte[] chunk = new byte[64 << 10];
            for (int round = 0; round < 2; round++) { // the first round warms up
                SendStream out = c.openUni();
                long start = System.nanoTime();
                Thread writer = Thread.ofVirtual().start(() -> {
                    for (long sent = 0; sent < (long) mib << 20; sent += chunk.length) {
                        out.write(chunk);
                    }
                    out.finish();
                });
                RecvStream in = s.acceptUni();
                byte[] buf = new byte[64 << 10];
                long total = 0;
                int n;
                while ((n = in.read(buf, 0, buf.length)) >= 0) {
                    total += n;
                }
                writer.join();
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf("round %d: %d MiB in %.2f s = %.0f MiB/s%n", round, total >> 20, secs, (total >> 20) / secs);
            }
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        BidiStream b = s.acceptBidi();
                        byte[] req = QmuxTestSupport.readAll(b.recv());
                        b.send().write(req);
                        b.send().flush();
                        b.send().finish();
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // done
                }
            });
            int rounds = 2000;
            long[] rtts = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                BidiStream b = c.openBidi();
                b.send().write(new byte[100]);
                b.send().flush();
                b.send().finish();
                QmuxTestSupport.readAll(b.recv());
                rtts[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtts);
            System.out.printf("new-stream request/response over %d rounds: p50 %.0f us, p99 %.0f us%n", rounds,
                    rtts[rounds / 2] / 1e3, rtts[rounds * 99 / 100] / 1e3);
            System.out.println("ping rtt " + c.pathStats().rtt().toNanos() / 1000 + " us");
        }
    }
}
