package dev.parley.net.moq.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live read: a group that stalls while a newer group of its track has started is given up, never waited on. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SupersededGroupTest {
    private final TrackProducer track = new TrackProducer(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));

    @Test
    void aStalledGroupWakesItsBlockedReaderWhenANewerGroupStarts() throws Exception {
        GroupProducer old = track.appendGroup();
        GroupConsumer reader = old.consume();
        old.writeFrame(new byte[]{1});
        assertThat(reader.readFrameUnlessSuperseded(Duration.ofSeconds(5))).containsExactly(1);
        CompletableFuture<byte[]> blocked = CompletableFuture.supplyAsync(
                () -> reader.readFrameUnlessSuperseded(Duration.ofSeconds(20)));
        Thread.sleep(50);
        assertThat(blocked).isNotDone();

        GroupProducer newer = track.appendGroup();
        assertThat(blocked).as("a newer group without frames does not count").isNotDone();
        newer.writeFrame(new byte[]{2});

        assertThat(blocked.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(reader.isSuperseded()).isTrue();
        assertThat(reader.isDone()).as("given up, not ended").isFalse();
        assertThat(old.isSuperseded()).isTrue();
        assertThat(newer.isSuperseded()).isFalse();
    }

    @Test
    void framesAlreadyWrittenAreReadBeforeGivingUp() {
        GroupProducer old = track.appendGroup();
        byte[] a = {1};
        byte[] b = {2};
        old.writeFrame(a);
        old.writeFrame(b);
        GroupConsumer reader = old.consume();
        track.appendGroup().writeFrame(new byte[]{9});
        assertThat(reader.readFrameUnlessSuperseded(Duration.ZERO)).isSameAs(a);
        assertThat(reader.readFrameUnlessSuperseded(Duration.ZERO)).isSameAs(b);
        assertThat(reader.readFrameUnlessSuperseded(Duration.ZERO)).isNull();
        assertThat(reader.isDone()).isFalse();
    }

    @Test
    void aCompleteGroupEndsNormallyEvenWhenSuperseded() {
        GroupProducer old = track.appendGroup();
        old.writeFrame(new byte[]{1});
        old.close();
        track.appendGroup().writeFrame(new byte[]{2});
        GroupConsumer reader = old.consume();
        assertThat(reader.readFrameUnlessSuperseded(Duration.ZERO)).containsExactly(1);
        assertThat(reader.readFrameUnlessSuperseded(Duration.ZERO)).isNull();
        assertThat(reader.isDone()).isTrue();
    }

    @Test
    void withoutANewerGroupTheLiveReadTimesOutInsteadOfBlocking() {
        GroupProducer only = track.appendGroup();
        GroupConsumer reader = only.consume();
        long start = System.nanoTime();
        assertThatThrownBy(() -> reader.readFrameUnlessSuperseded(Duration.ofMillis(100)))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.TIMEOUT));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void anOlderGroupArrivingLateIsSupersededAtOnceAndALowerOneNeverSupersedesAHigher() {
        GroupProducer g5 = track.createGroup(5);
        g5.writeFrame(new byte[]{5});
        GroupProducer g3 = track.createGroup(3);
        g3.writeFrame(new byte[]{3});
        assertThat(g3.isSuperseded()).isTrue();
        assertThat(g5.isSuperseded()).as("starting group 3 after 5 changes nothing for 5").isFalse();
        GroupConsumer r = g3.consume();
        assertThat(r.readFrameUnlessSuperseded(Duration.ZERO)).containsExactly(3);
        assertThat(r.readFrameUnlessSuperseded(Duration.ZERO)).isNull();
    }

    @Test
    void theSupersededFutureCompletesWhenTheNextGroupStartsAndAnAbortStillReachesTheReader() throws Exception {
        GroupProducer old = track.appendGroup();
        CompletableFuture<Void> producerSide = old.superseded();
        CompletableFuture<Void> consumerSide = old.consume().superseded();
        GroupProducer newer = track.appendGroup();
        assertThat(producerSide).isNotDone();
        newer.writeFrame(new byte[0]);
        producerSide.get(1, TimeUnit.SECONDS);
        consumerSide.get(1, TimeUnit.SECONDS);

        GroupConsumer r = old.consume();
        old.abort(MoqError.OLD);
        assertThatThrownBy(() -> r.readFrameUnlessSuperseded(Duration.ZERO))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.OLD));
    }

    @Test
    void aGroupEvictedWhileOpenIsStillWokenWhenANewerGroupStarts() throws Exception {
        TrackProducer small = new TrackProducer(new TrackInfo("video", 60), TrackLimits.DEFAULT.withMaxGroups(2));
        GroupProducer first = small.appendGroup();
        GroupConsumer reader = first.consume();
        CompletableFuture<Void> gaveUp = first.superseded();
        small.appendGroup();
        small.appendGroup(); // evicts group 0 from the cache; neither newer group has a frame yet
        assertThat(small.evictedGroupCount()).isEqualTo(1);
        assertThat(gaveUp).isNotDone();
        CompletableFuture<byte[]> blocked = CompletableFuture.supplyAsync(
                () -> reader.readFrameUnlessSuperseded(Duration.ofSeconds(20)));
        Thread.sleep(50);
        small.appendGroup().writeFrame(new byte[]{7});
        gaveUp.get(5, TimeUnit.SECONDS);
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void groupsThatNeverStartDoNotGrowTheEvictedListWithoutBound() {
        TrackProducer small = new TrackProducer(new TrackInfo("video", 60), TrackLimits.DEFAULT.withMaxGroups(4));
        for (int i = 0; i < 1_000; i++) {
            small.appendGroup(); // a peer that opens group streams and never sends a frame
        }
        assertThat(small.cachedGroupCount()).isEqualTo(4);
        assertThat(small.state().watch.read(TrackState::evictedOpenCount)).isLessThanOrEqualTo(4);
        small.appendGroup().writeFrame(new byte[]{1});
        assertThat(small.state().watch.read(TrackState::evictedOpenCount)).as("woken once, then forgotten").isZero();
    }

    @Test
    void aLiveReaderFollowingTheTrackNeverWaitsOnAStalledGroup() throws Exception {
        // The freeze from the lab: group 0 stalls forever mid-way while groups 1 and 2 complete.
        TrackConsumer consumer = track.consume();
        GroupProducer stalled = track.appendGroup();
        stalled.writeFrame(new byte[]{0, 0});
        GroupConsumer g = consumer.nextGroup(Duration.ofSeconds(1));
        assertThat(g.readFrameUnlessSuperseded(Duration.ofSeconds(1))).containsExactly(0, 0);
        CompletableFuture<Long> next = CompletableFuture.supplyAsync(() -> {
            byte[] f = g.readFrameUnlessSuperseded(Duration.ofSeconds(20));
            assertThat(f).isNull();
            GroupConsumer n = consumer.nextGroup(Duration.ofSeconds(5));
            assertThat(n.readFrameUnlessSuperseded(Duration.ofSeconds(5))).isNotNull();
            return n.sequence();
        });
        Thread.sleep(50);
        GroupProducer fresh = track.appendGroup();
        fresh.writeFrame(new byte[]{1, 0});
        fresh.close();
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(stalled.isEnded()).isFalse();
    }
}
