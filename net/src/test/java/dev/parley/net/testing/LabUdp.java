package dev.parley.net.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * A tiny UDP tool the network lab's own tests run inside namespaces (one JVM per role).
 * <ul>
 *   <li>{@code echo PORT}: echoes every datagram and prints {@code {"from":"ip:port"}} for each;</li>
 *   <li>{@code client}: reads commands from stdin, {@code send HOST PORT COUNT}, sends COUNT numbered
 *       datagrams 1 ms apart, waits up to 1 s after the last for echoes and prints
 *       {@code {"sent":N,"received":M,"lastMs":T}} (T: from the first send to the last echo).</li>
 * </ul>
 * Both print {@code READY} once their socket is bound.
 */
public final class LabUdp {
    private LabUdp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("echo")) {
            echo(Integer.parseInt(args[1]));
        } else if (args.length == 1 && args[0].equals("client")) {
            client();
        } else {
            System.err.println("usage: LabUdp echo PORT | LabUdp client");
            System.exit(2);
        }
    }

    private static void echo(int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(port))) {
            System.out.println("READY");
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                System.out.println("{\"from\":\"" + from.getAddress().getHostAddress() + ":" + from.getPort() + "\"}");
                s.send(new DatagramPacket(p.getData(), p.getLength(), from));
            }
        }
    }

    private static void client() throws IOException, InterruptedException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("READY");
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                if (w.length != 4 || !w[0].equals("send")) {
                    System.out.println("{\"error\":\"unknown command\"}");
                    continue;
                }
                InetSocketAddress to = new InetSocketAddress(w[1], Integer.parseInt(w[2]));
                int count = Integer.parseInt(w[3]);
                BitSet seen = new BitSet(count);
                long run = System.nanoTime(); // tags this batch so late echoes of an earlier one are not counted
                long[] last = {run};
                Thread receiver = Thread.ofPlatform().start(() -> receive(s, run, seen, count, last));
                byte[] payload = new byte[200];
                for (int i = 0; i < count; i++) {
                    ByteBuffer.wrap(payload).putLong(run).putInt(i);
                    s.send(new DatagramPacket(payload, payload.length, to));
                    Thread.sleep(1);
                }
                receiver.join(5_000);
                int received;
                synchronized (seen) {
                    received = seen.cardinality();
                }
                long lastMs;
                synchronized (seen) {
                    lastMs = (last[0] - run) / 1_000_000;
                }
                System.out.println("{\"sent\":" + count + ",\"received\":" + received + ",\"lastMs\":" + lastMs + "}");
            }
        }
    }

    private static void receive(DatagramSocket s, long run, BitSet seen, int count, long[] last) {
        byte[] buf = new byte[2048];
        long deadline = System.nanoTime() + (count + 1000) * 1_000_000L + 1_000_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return;
                }
                ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                if (p.getLength() >= 12 && b.getLong() == run) {
                    int i = b.getInt();
                    synchronized (seen) {
                        if (i >= 0 && i < count) {
                            if (!seen.get(i)) {
                                seen.set(i);
                                last[0] = System.nanoTime();
                            }
                            if (seen.cardinality() == count) {
                                return;
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            // socket closed
        }
    }
}
