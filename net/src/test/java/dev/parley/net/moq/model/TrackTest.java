package dev.parley.net.moq.model;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrackTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final TrackProducer track =
            new TrackProducer(new TrackInfo("audio", TrackInfo.PRIORITY_AUDIO), TrackLimits.DEFAULT, clock::get);

    @Test
    void appendNumbersGroupsAfterTheHighestSeen() {
        assertThat(track.appendGroup().sequence()).isZero();
        assertThat(track.appendGroup().sequence()).isEqualTo(1);
        assertThat(track.createGroup(10).sequence()).isEqualTo(10);
        assertThat(track.createGroup(4).sequence()).isEqualTo(4);
        assertThat(track.appendGroup().sequence()).isEqualTo(11);
        assertThatThrownBy(() -> track.createGroup(4))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.DUPLICATE));
    }

    @Test
    void liveConsumerJumpsToTheNewestGroup() {
        TrackConsumer c = track.consume();
        for (int i = 0; i < 5; i++) {
            track.appendGroup();
        }
        assertThat(c.nextGroup().sequence()).isEqualTo(4);
        track.appendGroup();
        track.appendGroup();
        assertThat(c.nextGroup().sequence()).isEqualTo(6);
        assertThat(c.tryNextGroup()).isNull();
    }

    @Test
    void newConsumerStartsAtTheCurrentNewestGroup() {
        track.appendGroup();
        GroupProducer current = track.appendGroup();
        byte[] key = {1};
        current.writeFrame(key);
        TrackConsumer late = track.consume();
        GroupConsumer g = late.nextGroup();
        assertThat(g.sequence()).isEqualTo(1);
        assertThat(g.readFrame()).isSameAs(key);
    }

    @Test
    void outOfOrderArrivalNeverGoesBackwards() {
        TrackConsumer c = track.consume().maxLatency(Duration.ofSeconds(10));
        track.createGroup(5);
        track.createGroup(3);
        assertThat(c.nextGroup().sequence()).isEqualTo(3);
        assertThat(c.nextGroup().sequence()).isEqualTo(5);
        track.createGroup(4); // late arrival below the cursor: skipped
        track.createGroup(7);
        track.createGroup(6);
        assertThat(c.nextGroup().sequence()).isEqualTo(6);
        assertThat(c.nextGroup().sequence()).isEqualTo(7);
        assertThat(c.tryNextGroup()).isNull();
    }

    @Test
    void maxLatencyDropsGroupsTooFarBehindTheNewest() {
        TrackConsumer c = track.consume().maxLatency(Duration.ofMillis(100));
        for (int i = 0; i < 10; i++) {
            track.appendGroup(); // groups 0..9 arrive 20 ms apart
            clock.addAndGet(20 * MS);
        }
        // Newest (9) arrived at +180 ms; groups that arrived before +80 ms (0..3) are stale.
        assertThat(c.nextGroup().sequence()).isEqualTo(4);
        assertThat(c.nextGroup().sequence()).isEqualTo(5);
        TrackConsumer strict = c.copy().maxLatency(Duration.ZERO);
        assertThat(strict.nextGroup().sequence()).isEqualTo(9);
        assertThat(c.nextGroup().sequence()).isEqualTo(6);
        assertThat(c.maxLatency()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void stalledConsumerDoesNotKeepMemory() {
        TrackProducer capped = new TrackProducer(new TrackInfo("v", 60), TrackLimits.DEFAULT.withMaxGroups(8));
        TrackConsumer stalled = capped.consume();
        GroupConsumer held = null;
        int maxCached = 0;
        for (int i = 0; i < 10_000; i++) {
            GroupProducer g = capped.appendGroup();
            g.writeFrame(new byte[100]);
            g.close();
            if (i == 0) {
                held = stalled.nextGroup();
            }
            maxCached = Math.max(maxCached, capped.cachedGroupCount());
        }
        assertThat(maxCached).isLessThanOrEqualTo(8);
        assertThat(capped.evictedGroupCount()).isEqualTo(10_000 - 8);
        // The group the consumer already held stays readable after eviction.
        assertThat(held.readFrame()).hasSize(100);
        assertThat(held.readFrame()).isNull();
        // The stalled consumer resumes at the live edge.
        assertThat(stalled.nextGroup().sequence()).isEqualTo(9_999);
    }

    @Test
    void lateGroupOlderThanAFullCacheIsEvictedAtOnceButStillWritable() {
        TrackProducer t = new TrackProducer(new TrackInfo("v", 60), TrackLimits.DEFAULT.withMaxGroups(3));
        TrackConsumer c = t.consume().maxLatency(Duration.ofSeconds(10));
        t.createGroup(10);
        t.createGroup(11);
        t.createGroup(12);
        GroupProducer late = t.createGroup(5);
        late.writeFrame(new byte[1]);
        late.close();
        assertThat(t.cachedGroupCount()).isEqualTo(3);
        assertThat(c.nextGroup().sequence()).isEqualTo(10);
    }

    @Test
    void byteBudgetAndAgeEvictOldGroups() {
        TrackProducer t = new TrackProducer(new TrackInfo("v", 60),
                TrackLimits.DEFAULT.withMaxCachedBytes(1_000).withMaxGroupAge(Duration.ofMillis(500)), clock::get);
        for (int i = 0; i < 5; i++) {
            GroupProducer g = t.appendGroup();
            g.writeFrame(new byte[300]);
            g.close();
        }
        assertThat(t.cachedGroupCount()).isEqualTo(4); // 4 x 300 > 1000 before the fifth was written
        clock.addAndGet(600 * MS);
        t.appendGroup();
        assertThat(t.cachedGroupCount()).isEqualTo(1);
    }

    @Test
    void closeDrainsThenEnds() {
        TrackConsumer c = track.consume().maxLatency(Duration.ofSeconds(1));
        track.appendGroup();
        track.appendGroup();
        track.close();
        assertThat(c.nextGroup().sequence()).isZero();
        assertThat(c.nextGroup().sequence()).isEqualTo(1);
        assertThat(c.nextGroup()).isNull();
        assertThat(c.closed()).isCompleted();
        assertThatThrownBy(track::appendGroup)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.CLOSED));
    }

    @Test
    void abortPropagatesTheCodeToTracksAndGroups() {
        TrackConsumer c = track.consume();
        GroupProducer open = track.appendGroup();
        GroupConsumer reader = c.nextGroup();
        CompletableFuture<Void> closed = c.closed();
        track.abort(MoqException.app(9, "gone"));
        assertThatThrownBy(c::nextGroup)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.wireCode()).isEqualTo(73));
        assertThatThrownBy(reader::readFrame)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.wireCode()).isEqualTo(73));
        assertThat(open.isEnded()).isTrue();
        assertThat(closed).isCompletedExceptionally();
        track.abort(MoqError.TIMEOUT); // no effect once ended
        assertThatThrownBy(c::nextGroup)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.wireCode()).isEqualTo(73));
    }

    @Test
    void unusedFiresWhenTheLastConsumerClosesAndReArms() {
        assertThat(track.unused()).isCompleted();
        TrackConsumer a = track.consume();
        TrackConsumer b = a.copy();
        CompletableFuture<Void> idle = track.unused();
        assertThat(track.consumerCount()).isEqualTo(2);
        assertThat(idle).isNotDone();
        a.close();
        a.close();
        assertThat(idle).isNotDone();
        b.close();
        assertThat(idle).isCompleted();
        assertThat(track.consumerCount()).isZero();

        TrackConsumer c = track.consume();
        CompletableFuture<Void> again = track.unused();
        assertThat(again).isNotDone();
        c.close();
        assertThat(again).isCompleted();
    }

    @Test
    void closingAConsumerWakesItsBlockedRead() throws Exception {
        TrackConsumer c = track.consume();
        CompletableFuture<GroupConsumer> next = CompletableFuture.supplyAsync(c::nextGroup,
                command -> Thread.ofVirtual().start(command));
        Thread.sleep(20);
        c.close();
        assertThat(next.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void timeoutAndAsyncVariants() throws Exception {
        TrackConsumer c = track.consume();
        assertThatThrownBy(() -> c.nextGroup(Duration.ofMillis(10)))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.TIMEOUT));
        CompletableFuture<GroupConsumer> f = c.nextGroupAsync();
        assertThat(f).isNotDone();
        track.appendGroup();
        assertThat(f.get(1, TimeUnit.SECONDS).sequence()).isZero();
        CompletableFuture<GroupConsumer> end = c.nextGroupAsync();
        track.close();
        assertThat(end.get(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void singleFrameGroupConvenience() {
        TrackConsumer c = track.consume();
        byte[] msg = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        track.appendGroupWithFrame(msg);
        GroupConsumer g = c.nextGroup();
        assertThat(g.readFrame()).isSameAs(msg);
        assertThat(g.readFrame()).isNull();
    }

    @Test
    void droppedConsumerIsReleasedAfterGarbageCollection() throws Exception {
        dropAConsumer(track);
        CompletableFuture<Void> idle = track.unused();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!idle.isDone() && System.nanoTime() < deadline) {
            System.gc();
            try {
                idle.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // not collected yet; collect again
            }
        }
        assertThat(idle).isCompleted();
        assertThat(track.consumerCount()).isZero();
    }

    private static void dropAConsumer(TrackProducer t) {
        TrackConsumer c = t.consume();
        assertThat(t.consumerCount()).isEqualTo(1);
        assertThat(c.isClosed()).isFalse();
    }
}
