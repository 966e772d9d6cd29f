package dev.parley.net.actor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActorTest {
    sealed interface Cmd {
    }

    record Add(int n) implements Cmd {
    }

    record Get(CompletableFuture<List<Integer>> reply) implements Cmd, Actor.Request<List<Integer>> {
    }

    record Boom(CompletableFuture<Void> reply) implements Cmd, Actor.Request<Void> {
    }

    record Block(CountDownLatch entered, CountDownLatch release) implements Cmd {
    }

    record AddTwiceViaSelf(int n, CountDownLatch told) implements Cmd {
    }

    /** The state lives in the handler and is touched only on the actor thread. */
    static final class Recorder implements Actor.Handler<Cmd> {
        final List<Integer> seen = new ArrayList<>();
        final AtomicInteger stops = new AtomicInteger();
        Actor<Cmd> self;

        @Override
        public void handle(Cmd c) throws Exception {
            switch (c) {
                case Add a -> seen.add(a.n());
                case Get g -> g.reply().complete(List.copyOf(seen));
                case Boom b -> throw new IllegalStateException("boom");
                case Block b -> {
                    b.entered().countDown();
                    b.release().await(5, TimeUnit.SECONDS);
                }
                case AddTwiceViaSelf a -> {
                    self.tell(new Add(a.n())); // on the actor thread: queued, never waits
                    self.tell(new Add(a.n()));
                    a.told().countDown();
                }
            }
        }

        @Override
        public void onStop() {
            stops.incrementAndGet();
        }
    }

    private static Actor<Cmd> start(Recorder r, int capacity) {
        Actor<Cmd> a = Actor.start("test-actor", capacity, r);
        r.self = a;
        return a;
    }

    @Test
    void commandsFromOneSenderRunInOrder() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 16);
        for (int i = 0; i < 1000; i++) {
            a.tell(new Add(i));
        }
        List<Integer> seen = a.<List<Integer>>ask(Get::new).get(5, TimeUnit.SECONDS);
        assertThat(seen).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
        a.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aFullInboxMakesTellWaitButNotPost() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.tell(new Block(entered, release));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        a.tell(new Add(1));
        a.tell(new Add(2)); // inbox now full
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> a.tell(new Add(3)));
        assertThatThrownBy(() -> third.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(a.post(new Add(4))).isTrue(); // callbacks never wait; they go past the bound
        release.countDown();
        third.get(5, TimeUnit.SECONDS);
        List<Integer> seen = a.<List<Integer>>ask(Get::new).get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(seen.subList(0, 2)).containsExactly(1, 2);
        a.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void tellOnTheActorThreadNeverDeadlocksOnAFullInbox() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 1);
        CountDownLatch told = new CountDownLatch(1);
        a.tell(new AddTwiceViaSelf(7, told));
        assertThat(told.await(5, TimeUnit.SECONDS)).as("both self-tells returned").isTrue();
        // asked only now: a Get sent at once could take the inbox's one slot before the self-tells
        assertThat(a.<List<Integer>>ask(Get::new).get(5, TimeUnit.SECONDS)).containsExactly(7, 7);
        a.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aFailingCommandFailsItsReplyAndTheActorGoesOn() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 8);
        CompletableFuture<Void> boom = a.ask(Boom::new);
        assertThatThrownBy(() -> boom.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("boom");
        a.tell(new Add(5));
        assertThat(a.<List<Integer>>ask(Get::new).get(5, TimeUnit.SECONDS)).containsExactly(5);
        a.stop().get(5, TimeUnit.SECONDS);
    }

    @Test
    void stopRunsAcceptedCommandsThenRejectsNewOnes() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 8);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.tell(new Block(entered, release));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        a.tell(new Add(1));
        CompletableFuture<List<Integer>> before = a.ask(Get::new);
        CompletableFuture<Void> done = a.stop();
        assertThat(a.isStopped()).isTrue();
        assertThatThrownBy(() -> a.tell(new Add(2))).isInstanceOf(ActorStoppedException.class);
        assertThatThrownBy(() -> a.ask(Get::new)).isInstanceOf(ActorStoppedException.class);
        assertThat(a.post(new Add(3))).isFalse();
        release.countDown();
        done.get(5, TimeUnit.SECONDS);
        assertThat(before.get()).containsExactly(1);
        assertThat(r.stops.get()).isEqualTo(1);
        assertThat(a.stop()).isDone(); // idempotent
        assertThat(r.stops.get()).isEqualTo(1);
    }

    @Test
    void aSenderWaitingOnAFullInboxFailsWhenTheActorStops() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.tell(new Block(entered, release));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        a.tell(new Add(1));
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> a.tell(new Add(2)));
        assertThatThrownBy(() -> waiting.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(java.util.concurrent.TimeoutException.class);
        a.stop();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ActorStoppedException.class);
        release.countDown();
        a.terminated().get(5, TimeUnit.SECONDS);
        assertThat(r.seen).containsExactly(1);
    }

    @Test
    void scheduledCommandsArriveAfterTheirDelayAndCancelledOnesNever() throws Exception {
        Recorder r = new Recorder();
        Actor<Cmd> a = start(r, 8);
        long t0 = System.nanoTime();
        a.schedule(Duration.ofMillis(80), new Add(1));
        Actor.Timer cancelled = a.schedule(Duration.ofMillis(40), new Add(2));
        assertThat(cancelled.cancel()).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Integer> seen = List.of();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            seen = a.<List<Integer>>ask(Get::new).get(5, TimeUnit.SECONDS);
            Thread.onSpinWait();
        }
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(80));
        assertThat(seen).containsExactly(1);
        a.schedule(Duration.ofMillis(50), new Add(3));
        a.stop().get(5, TimeUnit.SECONDS);
        assertThat(r.seen).containsExactly(1); // the pending timer died with the actor
    }
}
