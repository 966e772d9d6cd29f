package dev.parley.net.moq.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupTest {
    private final TrackProducer track = new TrackProducer(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));

    @Test
    void frameTimestampsTravelWithTheFramesAcrossArrayGrowth() {
        GroupProducer g = track.appendGroup();
        for (int i = 0; i < 10; i++) { // past the initial capacity of 4
            g.writeFrame(new byte[]{(byte) i}, i == 3 ? 0 : 1_000L * i);
        }
        g.close();
        GroupConsumer c = g.consume();
        for (int i = 0; i < 10; i++) {
            assertThat(c.readFrame()).containsExactly((byte) i);
            assertThat(c.timestamp(c.position() - 1)).isEqualTo(i == 3 ? 0 : 1_000L * i);
        }
        assertThatThrownBy(() -> c.timestamp(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> track.appendGroup().writeFrame(new byte[0], -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fanOutHandsTheSameArrayToEveryReader() {
        GroupProducer g = track.appendGroup();
        List<GroupConsumer> readers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            readers.add(g.consume());
        }
        byte[] a = new byte[10_000];
        byte[] b = new byte[0];
        g.writeFrame(a);
        g.writeFrame(b);
        g.close();
        for (GroupConsumer r : readers) {
            assertThat(r.readFrame()).isSameAs(a);
            assertThat(r.readFrame()).isSameAs(b);
            assertThat(r.readFrame()).isNull();
            assertThat(r.readFrame()).isNull();
        }
    }

    @Test
    void copiesHaveIndependentCursors() {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        byte[] f1 = {1};
        byte[] f2 = {2};
        g.writeFrame(f1);
        g.writeFrame(f2);
        assertThat(r.readFrame()).isSameAs(f1);
        GroupConsumer c = r.copy();
        assertThat(c.position()).isEqualTo(1);
        assertThat(c.readFrame()).isSameAs(f2);
        assertThat(r.readFrame()).isSameAs(f2);
        assertThat(g.consume().readFrame()).isSameAs(f1);
    }

    @Test
    void readBlocksUntilWrittenFromAnotherThread() throws Exception {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        byte[] frame = {42};
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(r::readFrame,
                command -> Thread.ofVirtual().start(command));
        Thread.sleep(20);
        assertThat(read).isNotDone();
        g.writeFrame(frame);
        assertThat(read.get(10, TimeUnit.SECONDS)).isSameAs(frame);
    }

    @Test
    void abortDeliversWrittenFramesThenTheError() {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        byte[] f = {1};
        g.writeFrame(f);
        g.abort(MoqException.app(5, "encoder died"));
        assertThat(r.readFrame()).isSameAs(f);
        assertThatThrownBy(r::readFrame).isInstanceOfSatisfying(MoqException.class, e -> {
            assertThat(e.error()).isEqualTo(MoqError.APP);
            assertThat(e.wireCode()).isEqualTo(69);
        });
        assertThatThrownBy(() -> g.writeFrame(new byte[1])).isInstanceOf(MoqException.class);
    }

    @Test
    void writeAfterCloseIsClosedError() {
        GroupProducer g = track.appendGroup();
        g.close();
        g.close();
        assertThatThrownBy(() -> g.writeFrame(new byte[1]))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.CLOSED));
        assertThat(g.isEnded()).isTrue();
    }

    @Test
    void frameAndByteCapsAbortTheGroup() {
        TrackProducer small = new TrackProducer(new TrackInfo("t", 1), TrackLimits.DEFAULT.withGroupCaps(3, 100));
        GroupProducer g = small.appendGroup();
        GroupConsumer r = g.consume();
        g.writeFrame(new byte[10]);
        g.writeFrame(new byte[10]);
        g.writeFrame(new byte[10]);
        assertThatThrownBy(() -> g.writeFrame(new byte[1]))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.BOUNDS_EXCEEDED));
        for (int i = 0; i < 3; i++) {
            assertThat(r.readFrame()).hasSize(10);
        }
        assertThatThrownBy(r::readFrame)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.BOUNDS_EXCEEDED));

        GroupProducer big = small.appendGroup();
        assertThatThrownBy(() -> big.writeFrame(new byte[101])).isInstanceOf(MoqException.class);
        assertThat(big.byteCount()).isZero();
    }

    @Test
    void timeoutAndNonBlockingReads() {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        assertThatThrownBy(() -> r.readFrame(Duration.ofMillis(20)))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.TIMEOUT));
        assertThat(r.tryReadFrame()).isNull();
        assertThat(r.isDone()).isFalse();
        byte[] f = {7};
        g.writeFrame(f);
        assertThat(r.tryReadFrame()).isSameAs(f);
        g.close();
        assertThat(r.tryReadFrame()).isNull();
        assertThat(r.isDone()).isTrue();
        assertThat(r.readFrame(Duration.ofMillis(5))).isNull();
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(r::readFrame,
                command -> Thread.ofVirtual().start(command));
        Thread.sleep(20);
        r.close();
        assertThat(read.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(g.consume().tryReadFrame()).isNull();
    }

    @Test
    void asyncReadCompletesOnWrite() throws Exception {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        CompletableFuture<byte[]> first = r.readFrameAsync();
        assertThat(first).isNotDone();
        byte[] f = {3};
        g.writeFrame(f);
        assertThat(first.get(1, TimeUnit.SECONDS)).isSameAs(f);
        CompletableFuture<byte[]> end = r.readFrameAsync();
        g.close();
        assertThat(end.get(1, TimeUnit.SECONDS)).isNull();

        GroupProducer aborted = track.appendGroup();
        CompletableFuture<byte[]> failing = aborted.consume().readFrameAsync();
        aborted.abort(MoqError.CANCEL);
        assertThat(failing).isCompletedExceptionally();
    }

    @Test
    void interruptTurnsIntoCancel() throws Exception {
        GroupProducer g = track.appendGroup();
        GroupConsumer r = g.consume();
        CompletableFuture<Throwable> caught = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                r.readFrame();
                caught.complete(null);
            } catch (MoqException e) {
                caught.complete(e);
            }
        });
        Thread.sleep(20);
        t.interrupt();
        assertThat(caught.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(MoqException.class,
                e -> assertThat(e.error()).isEqualTo(MoqError.CANCEL));
    }
}
