package dev.parley.media.playout;

import dev.parley.media.source.DeviceChange;
import dev.parley.media.source.DeviceInfo;
import dev.parley.media.source.DeviceKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Where every speaker sink plays after an output fails: the next listed one that has not failed, then none. */
class SpeakerRouteTest {
    private static DeviceInfo out(int i, String name) {
        return new DeviceInfo(DeviceKind.SPEAKER, i, name, name, "javasound");
    }

    @Test
    void aFailedOutputMovesEverySinkOnceToTheNextThenToNone() throws Exception {
        SpeakerRoute route = new SpeakerRoute(() -> List.of(out(0, "USB headset"), out(1, "Laptop speakers")));
        List<DeviceChange> changes = new CopyOnWriteArrayList<>();
        try (AutoCloseable l = route.onChange(changes::add)) {
            long g0 = route.generation();
            route.failed(g0, "USB headset", "unplugged");
            route.failed(g0, "USB headset", "unplugged"); // a second sink on the same output: already handled
            assertThat(route.choice()).isEqualTo("Laptop speakers");
            long g1 = route.generation();
            assertThat(g1).isGreaterThan(g0);
            route.failed(g1, "Laptop speakers", "gone");
            assertThat(route.choice()).isEqualTo(SpeakerRoute.NONE);
        }
        assertThat(changes).extracting(DeviceChange::from, DeviceChange::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple("USB headset", "Laptop speakers"),
                org.assertj.core.groups.Tuple.tuple("Laptop speakers", SpeakerRoute.NONE));
        assertThat(changes).allMatch(DeviceChange::fallback);
    }

    @Test
    void aSinkOnNoOutputPacesInRealTimeAndFollowsTheRoute() {
        SpeakerRoute route = new SpeakerRoute(List::of);
        route.failed(route.generation(), "default", "unplugged");
        assertThat(route.choice()).isEqualTo(SpeakerRoute.NONE);
        RoutedSpeaker sink = new RoutedSpeaker(route);
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            sink.write(new short[960]);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("10 blocks of 20 ms paced like a device").isBetween(150L, 1000L);
        sink.close();
    }
}
