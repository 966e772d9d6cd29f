package dev.parley.net.moq.model.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;

import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Fan-out of 10 KB frames from one producer to many consumers.
 *
 * <ul>
 *   <li>{@code sameThread}: one thread writes a frame and drains it through every consumer: the pure
 *       bookkeeping cost of fan-out (lock-free read path), no thread hand-off.</li>
 *   <li>{@code virtualThreads}: every consumer is a virtual thread blocked in {@code readFrame()}; one
 *       op is a group of {@value #FRAMES_PER_GROUP} frames written and fully received by all consumers,
 *       so delivered frames per second = ops/s x frames x consumers.</li>
 * </ul>
 *
 * Run: {@code java -cp <test classpath> org.openjdk.jmh.Main FanOutBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class FanOutBenchmark {
    static final int FRAMES_PER_GROUP = 30;

    /** Producer with consumers read on the benchmark thread. */
    @State(Scope.Thread)
    public static class SameThread {
        @Param({"100"})
        int consumers;
        final byte[] frame = new byte[10 * 1024];
        TrackProducer track;
        GroupProducer group;
        List<GroupConsumer> readers;
        int written;

        @Setup(Level.Iteration)
        public void setup() {
            track = new TrackProducer(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            newGroup();
        }

        void newGroup() {
            if (group != null) {
                group.close();
            }
            group = track.appendGroup();
            readers = new ArrayList<>(consumers);
            for (int i = 0; i < consumers; i++) {
                readers.add(group.consume());
            }
            written = 0;
        }
    }

    /** One frame written and read by every consumer, on one thread. */
    @Benchmark
    public void sameThread(SameThread s, Blackhole bh) {
        if (s.written == FRAMES_PER_GROUP) {
            s.newGroup();
        }
        s.group.writeFrame(s.frame);
        s.written++;
        for (GroupConsumer r : s.readers) {
            bh.consume(r.readFrame());
        }
    }

    /** Consumers on virtual threads, each following the track live. */
    @State(Scope.Benchmark)
    public static class Threads {
        @Param({"100"})
        int consumers;
        final byte[] frame = new byte[10 * 1024];
        TrackProducer track;
        Phaser groupDone;
        List<Thread> threads;

        @Setup(Level.Trial)
        public void setup() {
            track = new TrackProducer(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            groupDone = new Phaser(consumers + 1);
            threads = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                TrackConsumer c = track.consume().maxLatency(Duration.ofSeconds(5));
                threads.add(Thread.ofVirtual().start(() -> {
                    long sink = 0;
                    for (GroupConsumer g = c.nextGroup(); g != null; g = c.nextGroup()) {
                        for (byte[] f = g.readFrame(); f != null; f = g.readFrame()) {
                            sink += f.length;
                        }
                        groupDone.arrive();
                    }
                    if (sink == 42) {
                        System.out.print("");
                    }
                }));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            track.close();
            groupDone.forceTermination();
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    /** One group of frames written and received by every consumer thread. */
    @Benchmark
    public void virtualThreads(Threads s) {
        int phase = s.groupDone.getPhase();
        GroupProducer g = s.track.appendGroup();
        for (int i = 0; i < FRAMES_PER_GROUP; i++) {
            g.writeFrame(s.frame);
        }
        g.close();
        s.groupDone.arriveAndAwaitAdvance();
        if (s.groupDone.getPhase() == phase) {
            throw new IllegalStateException("phaser did not advance");
        }
    }

    /** Consumers parked in {@code readFrame()} of one open group; each op wakes all of them for one frame. */
    @State(Scope.Benchmark)
    public static class Parked {
        @Param({"100"})
        int consumers;
        final byte[] frame = new byte[10 * 1024];
        GroupProducer group;
        Phaser frameDone;
        List<Thread> threads;

        @Setup(Level.Trial)
        public void setup() {
            TrackProducer track = new TrackProducer(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO),
                    dev.parley.net.moq.model.TrackLimits.DEFAULT.withGroupCaps(Integer.MAX_VALUE, Long.MAX_VALUE));
            group = track.appendGroup();
            frameDone = new Phaser(consumers + 1);
            threads = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                GroupConsumer c = group.consume();
                threads.add(Thread.ofVirtual().start(() -> {
                    for (byte[] f = c.readFrame(); f != null; f = c.readFrame()) {
                        frameDone.arrive();
                    }
                }));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            group.close();
            frameDone.forceTermination();
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    /** One frame written while every consumer is parked, then read by all of them: wake-up cost of fan-out. */
    @Benchmark
    public void parkedWakeUp(Parked s) {
        s.group.writeFrame(s.frame);
        s.frameDone.arriveAndAwaitAdvance();
    }
}
