package dev.parley.rooms.relay;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HybridRoute} stepped through simulated timelines (a tick every 250 ms, as the hybrid room
 * re-evaluates): the fallback comes after the direct link has been down long enough, the return after
 * it has worked long enough, and a flapping link does not make the route flap.
 */
class HybridRouteSimulationTest {
    static final HybridRoute.Policy POLICY = HybridRoute.Policy.DEFAULT;
    static final long TICK = 250;

    /** Runs {@code ms} of ticks with the direct link given by {@code up(t)} and the relay carrying the peer. */
    private static HybridRoute run(HybridRoute r, long from, long to, java.util.function.LongPredicate up, boolean relay) {
        for (long t = from; t <= to; t += TICK) {
            r = r.next(POLICY, up.test(t), relay, t);
        }
        return r;
    }

    @Test
    void aPeerThatIsNeverReachableDirectlyGoesThroughTheRelayAfterTheFallbackTime() {
        HybridRoute r = HybridRoute.start(0);
        r = run(r, 0, POLICY.fallbackAfterMs() - TICK, t -> false, true);
        assertThat(r.viaRelay()).as("direct first").isFalse();
        r = run(r, POLICY.fallbackAfterMs(), POLICY.fallbackAfterMs(), t -> false, true);
        assertThat(r.viaRelay()).isTrue();
        assertThat(r.routeSinceMs()).isEqualTo(POLICY.fallbackAfterMs());
    }

    @Test
    void aWorkingDirectLinkIsNeverLeftAndAPeerTheRelayLacksStaysDirect() {
        HybridRoute r = run(HybridRoute.start(0), 0, 120_000, t -> t >= 500, true);
        assertThat(r.viaRelay()).isFalse();
        assertThat(r.switches()).isZero();
        HybridRoute lonely = run(HybridRoute.start(0), 0, 60_000, t -> false, false);
        assertThat(lonely.viaRelay()).as("nothing to fall back to").isFalse();
    }

    @Test
    void aRecoveredDirectLinkIsUsedAgainOnlyAfterItHeldAndTheRouteDwelled() {
        // direct down 0..30 s, then up for good
        HybridRoute r = run(HybridRoute.start(0), 0, 30_000, t -> false, true);
        assertThat(r.viaRelay()).isTrue();
        r = run(r, 30_250, 30_000 + POLICY.returnAfterMs() - TICK, t -> true, true);
        assertThat(r.viaRelay()).as("not back before the link held %d ms", POLICY.returnAfterMs()).isTrue();
        r = run(r, 30_000 + POLICY.returnAfterMs(), 30_000 + POLICY.returnAfterMs() + 500, t -> true, true);
        assertThat(r.viaRelay()).isFalse();
        assertThat(r.switches()).isEqualTo(2);
        // the relay losing a relayed peer whose direct link works: back to direct at once
        HybridRoute gone = run(HybridRoute.start(0), 0, 10_000, t -> false, true);
        gone = gone.next(POLICY, true, false, 10_250);
        assertThat(gone.viaRelay()).isFalse();
    }

    @Test
    void aFlappingDirectLinkDoesNotMakeTheRouteFlap() {
        // up 3 s, down 2 s, forever: shorter than both thresholds, so the route never changes
        HybridRoute r = run(HybridRoute.start(0), 0, 600_000, t -> t % 5_000 < 3_000, true);
        assertThat(r.switches()).isZero();
        // up 12 s, down 5 s: each outage exceeds the fallback, each recovery the return time, but the
        // dwell bounds switching to at most one change per minDwell (here one round trip per 17 s cycle)
        HybridRoute slow = run(HybridRoute.start(0), 0, 170_000, t -> t % 17_000 >= 5_000, true);
        assertThat(slow.switches()).isLessThanOrEqualTo(2 * 170_000 / 17_000);
        // random outages: never more than one switch per minDwell on average
        SplittableRandom rnd = new SplittableRandom(42);
        HybridRoute x = HybridRoute.start(0);
        boolean up = true;
        long lastSwitchAt = 0;
        int switches = 0;
        long shortest = Long.MAX_VALUE;
        for (long t = 0; t <= 3_600_000; t += TICK) {
            if (rnd.nextInt(40) == 0) {
                up = !up;
            }
            HybridRoute next = x.next(POLICY, up, true, t);
            if (next.viaRelay() != x.viaRelay()) {
                if (switches > 0) {
                    shortest = Math.min(shortest, t - lastSwitchAt);
                }
                lastSwitchAt = t;
                switches++;
            }
            x = next;
        }
        System.out.printf("hybrid route, 1 h of random outages (mean 10 s): %d switches, shortest stay %d ms%n", switches, shortest);
        assertThat(shortest).as("no route held for less than the fallback time").isGreaterThanOrEqualTo(POLICY.fallbackAfterMs());
        assertThat(switches).isLessThan(3_600_000 / (int) POLICY.fallbackAfterMs());
    }
}
