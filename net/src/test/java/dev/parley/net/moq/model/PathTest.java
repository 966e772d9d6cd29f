package dev.parley.net.moq.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PathTest {
    @Test
    void normalizesSlashes() {
        assertThat(Path.of("/room//alice/").value()).isEqualTo("room/alice");
        assertThat(Path.of("///").isEmpty()).isTrue();
        assertThat(Path.of("a/b").value()).isEqualTo("a/b");
        assertThat(Path.of("/a")).isEqualTo(Path.of("a/"));
    }

    @Test
    void prefixMatchesWholeSegments() {
        Path p = Path.of("foo/bar");
        assertThat(p.hasPrefix(Path.of("foo"))).isTrue();
        assertThat(p.hasPrefix(Path.of("foo/bar"))).isTrue();
        assertThat(p.hasPrefix(Path.EMPTY)).isTrue();
        assertThat(Path.of("foobar").hasPrefix(Path.of("foo"))).isFalse();
        assertThat(Path.of("foo").hasPrefix(Path.of("foo/bar"))).isFalse();
        assertThat(p.hasPrefix(Path.of("fo"))).isFalse();
    }

    @Test
    void stripPrefixReturnsTheRest() {
        assertThat(Path.of("room/alice.hang").stripPrefix(Path.of("room"))).contains(Path.of("alice.hang"));
        assertThat(Path.of("room").stripPrefix(Path.of("room"))).contains(Path.EMPTY);
        assertThat(Path.of("room/a").stripPrefix(Path.EMPTY)).contains(Path.of("room/a"));
        assertThat(Path.of("roomy/a").stripPrefix(Path.of("room"))).isEmpty();
    }

    @Test
    void joinAddsSeparatorUnlessASideIsEmpty() {
        assertThat(Path.of("room").join("alice.hang").value()).isEqualTo("room/alice.hang");
        assertThat(Path.EMPTY.join("x").value()).isEqualTo("x");
        assertThat(Path.of("x").join(Path.EMPTY).value()).isEqualTo("x");
        assertThat(Path.of("a/").join("/b/").value()).isEqualTo("a/b");
    }
}
