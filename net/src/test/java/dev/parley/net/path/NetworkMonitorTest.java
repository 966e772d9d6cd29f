package dev.parley.net.path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class NetworkMonitorTest {
    private static final InetAddress A = addr("10.77.1.2");
    private static final InetAddress B = addr("10.77.1.3");
    private static final InetAddress V6 = addr("2001:db8:1:1::2");

    private static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aChangeSaysWhetherAnAddressWasLostOrAdded() {
        assertThat(NetworkMonitor.Change.between(Set.of(A, V6), Set.of(A, V6)).any()).isFalse();
        assertThat(NetworkMonitor.Change.between(Set.of(A), Set.of(B))).isEqualTo(new NetworkMonitor.Change(true, true));
        assertThat(NetworkMonitor.Change.between(Set.of(A), Set.of(A, V6))).isEqualTo(new NetworkMonitor.Change(false, true));
        assertThat(NetworkMonitor.Change.between(Set.of(A, V6), Set.of(A))).isEqualTo(new NetworkMonitor.Change(true, false));
    }

    @Test
    void reportsEachChangeOnceWithinAPeriodAndStopsWhenClosed() throws Exception {
        AtomicReference<Set<InetAddress>> now = new AtomicReference<>(Set.of(A));
        LinkedBlockingQueue<NetworkMonitor.Change> changes = new LinkedBlockingQueue<>();
        Set<InetAddress> flaky = Set.of();
        try (NetworkMonitor m = NetworkMonitor.start(() -> {
            Set<InetAddress> s = now.get();
            if (s == flaky) {
                throw new IllegalStateException("cannot list");
            }
            return s;
        }, Duration.ofMillis(20), changes::add)) {
            Thread.sleep(100);
            assertThat(changes).as("nothing changed").isEmpty();
            now.set(Set.of(B));
            assertThat(changes.poll(2, TimeUnit.SECONDS)).isEqualTo(new NetworkMonitor.Change(true, true));
            Thread.sleep(100);
            assertThat(changes).as("reported once").isEmpty();
            now.set(flaky); // a listing that fails is skipped, not taken for "no addresses"
            Thread.sleep(100);
            assertThat(changes).isEmpty();
            now.set(Set.of(B, V6));
            assertThat(changes.poll(2, TimeUnit.SECONDS)).isEqualTo(new NetworkMonitor.Change(false, true));
            m.close();
            now.set(Set.of(A));
            Thread.sleep(100);
            assertThat(changes).as("nothing after close").isEmpty();
        }
    }
}
