package dev.parley.net.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback UDP impairment proxy for one client and one server. The client sends to {@link #address()};
 * the proxy forwards to the server from its own socket and sends the server's replies back to the
 * client's last address. Loss, one-way delay and a rate limit apply to both directions and can be
 * changed while traffic flows. The rate limit behaves like a router queue: packets leave at the
 * configured byte rate and are tail-dropped once {@link #QUEUE_LIMIT_BYTES} are waiting.
 *
 * <p>Threads: one receiver per direction and one sender that releases delayed packets, all daemon
 * platform threads owned by this object and stopped by {@link #close()}.
 */
public final class UdpProxy implements AutoCloseable {
    /** Bytes that may wait behind the rate limit before packets are dropped. */
    public static final int QUEUE_LIMIT_BYTES = 256 * 1024;

    private final InetSocketAddress server;
    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final DelayQueue<Pending> queue = new DelayQueue<>();
    private final Random random;
    private final Thread fromClient;
    private final Thread fromServer;
    private final Thread sender;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object rateLock = new Object();

    private volatile double lossPercent;
    private volatile long delayNanos;
    private volatile long bytesPerSecond;
    private volatile InetSocketAddress client;
    private volatile boolean closed;
    private long nextDepartureNanos; // guarded by rateLock
    private long queuedBytes; // guarded by rateLock

    /** Starts forwarding to {@code server}, with no impairment yet. */
    public UdpProxy(InetSocketAddress server) {
        this(server, 1);
    }

    /** As {@link #UdpProxy(InetSocketAddress)}, with a seed for reproducible loss. */
    public UdpProxy(InetSocketAddress server, long seed) {
        this.server = server;
        this.random = new Random(seed);
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            this.clientSide = new DatagramSocket(new InetSocketAddress(loopback, 0));
            this.serverSide = new DatagramSocket(new InetSocketAddress(loopback, 0));
        } catch (SocketException e) {
            throw new IllegalStateException("cannot bind the proxy sockets", e);
        }
        this.fromClient = Thread.ofPlatform().daemon().name("udp-proxy-c2s").start(() -> pump(clientSide, true));
        this.fromServer = Thread.ofPlatform().daemon().name("udp-proxy-s2c").start(() -> pump(serverSide, false));
        this.sender = Thread.ofPlatform().daemon().name("udp-proxy-send").start(this::send);
    }

    /** Where the client should send: the proxy's client-facing address on 127.0.0.1. */
    public InetSocketAddress address() {
        return (InetSocketAddress) clientSide.getLocalSocketAddress();
    }

    /** Drops this percentage (0..100) of packets in each direction. */
    public UdpProxy loss(double percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss is a percentage 0..100");
        }
        this.lossPercent = percent;
        return this;
    }

    /** Adds this one-way delay to every packet (so the round trip grows by twice it). */
    public UdpProxy delay(Duration oneWay) {
        this.delayNanos = oneWay.toNanos();
        return this;
    }

    /** Limits each direction to this many bytes per second; 0 removes the limit. */
    public UdpProxy rateLimit(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0");
        }
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Packets forwarded so far, both directions. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Packets dropped so far (random loss or full queue), both directions. */
    public long dropped() {
        return dropped.get();
    }

    private void pump(DatagramSocket in, boolean towardServer) {
        byte[] buf = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setLength(buf.length);
                in.receive(packet);
            } catch (IOException e) {
                return; // socket closed
            }
            InetSocketAddress target;
            if (towardServer) {
                client = (InetSocketAddress) packet.getSocketAddress();
                target = server;
            } else {
                target = client;
                if (target == null) {
                    continue;
                }
            }
            byte[] data = java.util.Arrays.copyOf(buf, packet.getLength());
            if (shouldDrop()) {
                dropped.incrementAndGet();
                continue;
            }
            schedule(new Pending(towardServer ? serverSide : clientSide, target, data, departure(data.length)));
        }
    }

    private synchronized boolean shouldDrop() {
        return lossPercent > 0 && random.nextDouble() * 100 < lossPercent;
    }

    /** When the packet arrives: after the packets ahead of it leave at the limited rate, plus the delay; -1 to drop. */
    private long departure(int size) {
        long now = System.nanoTime();
        long earliest = now + delayNanos;
        long rate = bytesPerSecond;
        if (rate <= 0) {
            return earliest;
        }
        synchronized (rateLock) {
            if (queuedBytes + size > QUEUE_LIMIT_BYTES) {
                return -1;
            }
            long start = Math.max(now, nextDepartureNanos);
            nextDepartureNanos = start + size * 1_000_000_000L / rate;
            queuedBytes += size;
            return nextDepartureNanos + delayNanos; // serialize at the rate, then propagate
        }
    }

    private void schedule(Pending p) {
        if (p.dueNanos < 0) {
            dropped.incrementAndGet();
            return;
        }
        queue.add(p);
    }

    private void send() {
        while (!closed) {
            Pending p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (bytesPerSecond > 0) {
                synchronized (rateLock) {
                    queuedBytes = Math.max(0, queuedBytes - p.data.length);
                }
            }
            forwarded.incrementAndGet(); // counted first so a receiver never sees a packet not yet counted
            try {
                p.out.send(new DatagramPacket(p.data, p.data.length, p.target));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                forwarded.decrementAndGet();
                dropped.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        clientSide.close();
        serverSide.close();
        sender.interrupt();
        try {
            fromClient.join(2000);
            fromServer.join(2000);
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Pending(DatagramSocket out, InetSocketAddress target, byte[] data, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Pending) o).dueNanos);
        }
    }
}
