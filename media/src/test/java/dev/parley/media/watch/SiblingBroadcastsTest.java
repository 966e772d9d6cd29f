package dev.parley.media.watch;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.OriginProducer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** hang's relative broadcast references (the examples of {@code @moq/net}'s {@code Path.resolve}). */
class SiblingBroadcastsTest {
    @Test
    void resolvesLikeHang() {
        assertThat(SiblingBroadcasts.resolve("a/b/c", "../source")).isEqualTo("a/b/source");
        assertThat(SiblingBroadcasts.resolve("a/b", "x/y")).isEqualTo("a/b/x/y");
        assertThat(SiblingBroadcasts.resolve("a", "../../x")).isEqualTo("x");
        assertThat(SiblingBroadcasts.resolve("a/b", "./c")).isEqualTo("a/b/c");
        assertThat(SiblingBroadcasts.resolve("room/bob.hang", "/../bob-source/")).isEqualTo("room/bob-source");
        assertThat(SiblingBroadcasts.isSelf(null)).isTrue();
        assertThat(SiblingBroadcasts.isSelf("./")).isTrue();
        assertThat(SiblingBroadcasts.isSelf("")).isTrue();
        assertThat(SiblingBroadcasts.isSelf("..")).isFalse();
    }

    @Test
    void looksUpOnlyWhatTheOriginPublishes() {
        try (OriginProducer origin = new OriginProducer(); BroadcastProducer b = new BroadcastProducer()) {
            SiblingBroadcasts s = SiblingBroadcasts.of(origin.consume(), "room/bob.hang");
            assertThat(s.lookup().apply("room/bob-source")).isEmpty();
            origin.publish("room/bob-source", b.consume());
            assertThat(s.lookup().apply("room/bob-source")).isPresent();
            assertThat(SiblingBroadcasts.none().lookup().apply("room/bob-source")).isEmpty();
        }
    }
}
