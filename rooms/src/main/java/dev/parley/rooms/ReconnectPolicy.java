package dev.parley.rooms;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a room re-dials a present peer whose moq session failed: delays double from {@code firstDelay}
 * up to {@code maxDelay}, each drawn uniformly from its upper half (jitter, so two peers that lost each
 * other do not dial in lockstep), and the peer is declared gone ({@link RoomEvent.LeaveReason#FAILED})
 * after {@code giveUpAfter} without success, or earlier when its signed state expires or it leaves.
 */
public record ReconnectPolicy(Duration firstDelay, Duration maxDelay, Duration giveUpAfter) {

    public ReconnectPolicy {
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0
                || giveUpAfter.isNegative()) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay and giveUpAfter >= 0");
        }
    }

    /** 250 ms doubling to 5 s; a peer unreachable for 15 s is declared gone. */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(15));
    }

    /** The wait before re-dial number {@code attempt} (0 = the first after the drop). */
    long delayMs(int attempt, RandomGenerator random) {
        long cap = maxDelay.toMillis();
        long base = firstDelay.toMillis() << Math.min(attempt, 20);
        long upper = Math.max(1, Math.min(cap, base));
        return upper / 2 + random.nextLong(upper - upper / 2 + 1);
    }
}
