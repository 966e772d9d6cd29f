package dev.parley.net.moq.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many producer and consumer threads on the same model objects. The assertions are about invariants
 * that a lost wake-up, a torn frame publication or a cursor race would break: every reader of a
 * group sees exactly the written frames in order and the very same arrays, track cursors only move
 * forward, and everything terminates.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelStressTest {
    private static final boolean LONG = Boolean.getBoolean("parley.long");

    @Test
    void groupFanOutUnderContention() throws Exception {
        int rounds = LONG ? 2_000 : 200;
        int readers = 16;
        int frames = 50;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < rounds; round++) {
                TrackProducer track = new TrackProducer(new TrackInfo("t", 1));
                GroupProducer g = track.appendGroup();
                byte[][] written = new byte[frames][];
                List<Future<Integer>> results = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    GroupConsumer c = g.consume();
                    results.add(pool.submit(() -> {
                        int n = 0;
                        for (byte[] f = c.readFrame(); f != null; f = c.readFrame()) {
                            if (f != written[n]) {
                                throw new AssertionError("frame " + n + " is not the written instance");
                            }
                            n++;
                        }
                        return n;
                    }));
                }
                for (int i = 0; i < frames; i++) {
                    written[i] = new byte[]{(byte) i};
                    g.writeFrame(written[i]);
                    if (i % 7 == 0) {
                        Thread.yield();
                    }
                }
                g.close();
                for (Future<Integer> f : results) {
                    assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(frames);
                }
            }
        }
    }

    @Test
    void tracksWithManyWritersAndReaders() throws Exception {
        int groupsPerWriter = LONG ? 20_000 : 2_000;
        int writers = 4;
        int readers = 8;
        TrackProducer track = new TrackProducer(new TrackInfo("t", 1), TrackLimits.DEFAULT.withMaxGroups(16));
        AtomicLong nextSeq = new AtomicLong();
        AtomicInteger readGroups = new AtomicInteger();
        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        CountDownLatch readersReady = new CountDownLatch(readers);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> readerTasks = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                boolean latency = r % 2 == 0;
                readerTasks.add(pool.submit(() -> {
                    try (TrackConsumer c = track.consume()) {
                        if (latency) {
                            c.maxLatency(Duration.ofMillis(5));
                        }
                        readersReady.countDown();
                        long last = -1;
                        long expectedLast = (long) writers * groupsPerWriter - 1;
                        for (GroupConsumer g = c.nextGroup(); g != null; g = c.nextGroup()) {
                            if (g.sequence() <= last) {
                                throw new AssertionError("cursor went backwards: " + g.sequence() + " after " + last);
                            }
                            last = g.sequence();
                            byte[] f = g.readFrame();
                            if (f == null || f.length != 8 || toLong(f) != g.sequence()) {
                                throw new AssertionError("wrong frame in group " + g.sequence());
                            }
                            seen.put(g.sequence(), Boolean.TRUE);
                            readGroups.incrementAndGet();
                        }
                        if (last != expectedLast) {
                            throw new AssertionError("reader ended at " + last + ", not the live edge " + expectedLast);
                        }
                    }
                    return null;
                }));
            }
            readersReady.await();
            List<Future<?>> writerTasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                writerTasks.add(pool.submit(() -> {
                    for (int i = 0; i < groupsPerWriter; i++) {
                        // Sequences are claimed in order but inserted by racing writers: out-of-order arrival.
                        long seq = nextSeq.getAndIncrement();
                        GroupProducer g = track.createGroup(seq);
                        g.writeFrame(toBytes(seq));
                        g.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : writerTasks) {
                f.get(30, TimeUnit.SECONDS);
            }
            track.close();
            for (Future<?> f : readerTasks) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(track.cachedGroupCount()).isLessThanOrEqualTo(16);
        assertThat(readGroups.get()).isPositive();
        // Every reader sees the final group: the live edge is never lost.
        assertThat(seen).containsKey((long) writers * groupsPerWriter - 1);
        assertThat(track.consumerCount()).isZero();
        assertThat(track.unused()).isCompleted();
    }

    @Test
    void originChurnKeepsAlternation() throws Exception {
        int cycles = LONG ? 20_000 : 2_000;
        OriginProducer origin = new OriginProducer();
        int paths = 8;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> watchers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                OriginConsumer c = origin.consume(w % 2 == 0 ? "" : "a");
                watchers.add(pool.submit(() -> {
                    ConcurrentHashMap<Path, Boolean> active = new ConcurrentHashMap<>();
                    for (Announce a = c.nextAnnounce(); a != null; a = c.nextAnnounce()) {
                        Boolean was = active.put(a.path(), a.isActive());
                        if (a.isActive() == Boolean.TRUE.equals(was)) {
                            throw new AssertionError("no alternation at " + a.path());
                        }
                        if (!a.path().hasPrefix(c.prefix())) {
                            throw new AssertionError(a.path() + " outside " + c.prefix());
                        }
                    }
                    if (active.containsValue(Boolean.TRUE)) {
                        throw new AssertionError("a path stayed active after the origin closed: " + active);
                    }
                    return null;
                }));
            }
            List<Future<?>> publishers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int id = p;
                publishers.add(pool.submit(() -> {
                    for (int i = 0; i < cycles; i++) {
                        Path path = Path.of((i % 2 == 0 ? "a/" : "b/") + ((i + id) % paths));
                        BroadcastProducer b = new BroadcastProducer();
                        BroadcastConsumer handle = b.consume();
                        origin.publish(path, handle);
                        if (i % 3 != 0) {
                            origin.unpublish(path, handle);
                        }
                        b.close(); // unpublishes automatically if still published
                    }
                    return null;
                }));
            }
            for (Future<?> f : publishers) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(origin.paths()).isEmpty();
            origin.close();
            for (Future<?> f : watchers) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static byte[] toBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    private static long toLong(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }
}
