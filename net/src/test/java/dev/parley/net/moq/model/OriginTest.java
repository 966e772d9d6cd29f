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
class OriginTest {
    private final OriginProducer origin = new OriginProducer();

    private static String describe(Announce a) {
        return (a.isActive() ? "+" : "-") + a.path();
    }

    private static List<String> drain(OriginConsumer c) {
        List<String> out = new ArrayList<>();
        for (Announce a = c.tryNextAnnounce(); a != null; a = c.tryNextAnnounce()) {
            out.add(describe(a));
        }
        return out;
    }

    @Test
    void initialSetFirstThenChanges() {
        BroadcastProducer alice = new BroadcastProducer();
        BroadcastProducer bob = new BroadcastProducer();
        origin.publish("room/bob.hang", bob.consume());
        origin.publish("room/alice.hang", alice.consume());
        OriginConsumer c = origin.consume();
        assertThat(drain(c)).containsExactly("+room/alice.hang", "+room/bob.hang");

        BroadcastProducer carol = new BroadcastProducer();
        origin.publish("room/carol.hang", carol.consume());
        bob.close(); // an ended broadcast is unpublished automatically
        assertThat(drain(c)).containsExactly("+room/carol.hang", "-room/bob.hang");
        assertThat(origin.paths()).extracting(Path::value).containsExactly("room/alice.hang", "room/carol.hang");
    }

    @Test
    void aBackupTakesOverOnlyWhenTheActiveBroadcastEnds() {
        BroadcastProducer first = new BroadcastProducer().hops(List.of(1L));
        BroadcastProducer second = new BroadcastProducer().hops(List.of(2L));
        BroadcastProducer alone = new BroadcastProducer();
        origin.publish("cam", first.consume());
        OriginConsumer c = origin.consume();
        assertThat(drain(c)).containsExactly("+cam");
        origin.publishBackup(Path.of("cam"), second.consume());
        assertThat(drain(c)).as("a backup changes nothing while the first is active").isEmpty();
        assertThat(c.consume("cam").orElseThrow().hops()).containsExactly(1L);
        first.close();
        assertThat(drain(c)).as("the backup takes over (a replacement reads as end, then active)").containsExactly("-cam", "+cam");
        assertThat(c.consume("cam").orElseThrow().hops()).containsExactly(2L);
        origin.publishBackup(Path.of("solo"), alone.consume());
        assertThat(drain(c)).as("a backup on an empty path is active at once").containsExactly("+solo");
        second.close();
        assertThat(drain(c)).containsExactly("-cam");
    }

    @Test
    void prefixFilterUsesWholeSegments() {
        origin.publish("room", new BroadcastProducer().consume());
        origin.publish("room/a", new BroadcastProducer().consume());
        origin.publish("roomy/b", new BroadcastProducer().consume());
        origin.publish("other/c", new BroadcastProducer().consume());
        OriginConsumer c = origin.consume("room");
        assertThat(drain(c)).containsExactly("+room", "+room/a");
        origin.publish("roomy/d", new BroadcastProducer().consume());
        origin.publish("room/e", new BroadcastProducer().consume());
        assertThat(drain(c)).containsExactly("+room/e");
        assertThat(c.consume("roomy/b")).isEmpty();
        assertThat(c.consume("room/a")).isPresent();
        assertThat(origin.consume().consume("roomy/b")).isPresent();
    }

    @Test
    void announcedBroadcastIsUsable() {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer t = b.createTrack(new TrackInfo("catalog.json", 100));
        origin.publish("x", b.consume());
        Announce a = origin.consume().nextAnnounce();
        assertThat(a.path()).isEqualTo(Path.of("x"));
        TrackConsumer c = a.broadcast().subscribe("catalog.json", 100);
        byte[] f = {1};
        t.appendGroupWithFrame(f);
        assertThat(c.nextGroup().readFrame()).isSameAs(f);
    }

    @Test
    void activeAndEndedAlternateWhenSourcesReplaceEachOther() {
        OriginConsumer c = origin.consume();
        BroadcastConsumer local = new BroadcastProducer().consume();
        BroadcastConsumer remote = new BroadcastProducer().consume();
        origin.publish("p", local);
        assertThat(drain(c)).containsExactly("+p");
        origin.publish("p", remote);
        assertThat(drain(c)).containsExactly("-p", "+p");
        assertThat(c.consume("p").orElseThrow().sameBroadcast(remote)).isTrue();
        assertThat(origin.unpublish(Path.of("p"), remote)).isTrue();
        assertThat(drain(c)).containsExactly("-p", "+p");
        assertThat(c.consume("p").orElseThrow().sameBroadcast(local)).isTrue();
        assertThat(origin.unpublish(Path.of("p"), remote)).isFalse();
        assertThat(origin.unpublish(Path.of("p"), local)).isTrue();
        assertThat(drain(c)).containsExactly("-p");
    }

    @Test
    void flappingWhileNotReadingIsCoalescedButStillAlternates() {
        OriginConsumer c = origin.consume();
        BroadcastConsumer a = new BroadcastProducer().consume();
        origin.publish("p", a);
        assertThat(drain(c)).containsExactly("+p");
        origin.unpublish(Path.of("p"), a);
        BroadcastConsumer b = new BroadcastProducer().consume();
        origin.publish("p", b);
        BroadcastConsumer d = new BroadcastProducer().consume();
        origin.publish("q", d);
        origin.unpublish(Path.of("q"), d);
        assertThat(drain(c)).containsExactly("-p", "+p");
    }

    @Test
    void unpublishReleasesTheOriginsHandle() {
        BroadcastProducer b = new BroadcastProducer();
        BroadcastConsumer handle = b.consume();
        origin.publish("p", handle);
        CompletableFuture<Void> idle = b.unused();
        assertThat(idle).isNotDone();
        // Views handed out by consumers are not counted; closing them changes nothing.
        origin.consume().consume("p").orElseThrow().close();
        assertThat(b.consumerCount()).isEqualTo(1);
        origin.unpublish(Path.of("p"), handle);
        assertThat(idle).isCompleted();
    }

    @Test
    void waitForBlocksUntilPublished() throws Exception {
        OriginConsumer c = origin.consume();
        assertThat(c.waitFor("late", Duration.ofMillis(10))).isEmpty();
        BroadcastConsumer b = new BroadcastProducer().consume();
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(
                () -> c.waitFor("late", Duration.ofSeconds(20)).map(x -> x.sameBroadcast(b)).orElse(false),
                command -> Thread.ofVirtual().start(command));
        origin.publish("late", b);
        assertThat(found.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void blockingAndAsyncAnnounces() throws Exception {
        OriginConsumer c = origin.consume();
        CompletableFuture<Announce> next = c.nextAnnounceAsync();
        assertThat(next).isNotDone();
        origin.publish("a", new BroadcastProducer().consume());
        assertThat(describe(next.get(1, TimeUnit.SECONDS))).isEqualTo("+a");
        assertThatThrownBy(() -> c.nextAnnounce(Duration.ofMillis(10)))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.TIMEOUT));
        CompletableFuture<Announce> blocked = CompletableFuture.supplyAsync(c::nextAnnounce,
                command -> Thread.ofVirtual().start(command));
        origin.publish("b", new BroadcastProducer().consume());
        assertThat(describe(blocked.get(10, TimeUnit.SECONDS))).isEqualTo("+b");
    }

    @Test
    void closingTheOriginEndsEveryPathThenTheStream() {
        origin.publish("a", new BroadcastProducer().consume());
        origin.publish("b", new BroadcastProducer().consume());
        OriginConsumer c = origin.consume();
        assertThat(c.nextAnnounce().isActive()).isTrue();
        origin.close();
        List<String> rest = new ArrayList<>();
        for (Announce a = c.nextAnnounce(); a != null; a = c.nextAnnounce()) {
            rest.add(describe(a));
        }
        // "a" was reported active and now ends; "b" was never reported, so it is not mentioned.
        assertThat(rest).containsExactly("-a");
        assertThatThrownBy(() -> origin.publish("c", new BroadcastProducer().consume()))
                .isInstanceOf(MoqException.class);
    }

    @Test
    void closedConsumerReturnsNull() throws Exception {
        OriginConsumer c = origin.consume();
        CompletableFuture<Announce> blocked = CompletableFuture.supplyAsync(c::nextAnnounce,
                command -> Thread.ofVirtual().start(command));
        Thread.sleep(20);
        c.close();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void republishingDoesNotPileUpEndWatches() {
        BroadcastProducer b = new BroadcastProducer();
        BroadcastConsumer handle = b.consume();
        for (int i = 0; i < 10_000; i++) {
            origin.publish("p", handle);
            origin.unpublish(Path.of("p"), handle);
        }
        origin.publish("p", handle);
        assertThat(handle.state().endListeners).hasSize(1);
        b.close();
        assertThat(origin.paths()).isEmpty();
    }

    @Test
    void anEndedBroadcastIsNotPublished() {
        BroadcastProducer b = new BroadcastProducer();
        BroadcastConsumer handle = b.consume();
        b.close();
        OriginConsumer c = origin.consume();
        origin.publish("gone", handle);
        assertThat(origin.paths()).isEmpty();
        assertThat(c.tryNextAnnounce()).isNull();
        assertThat(b.consumerCount()).isZero();
    }
}
