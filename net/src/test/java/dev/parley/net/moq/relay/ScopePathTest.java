package dev.parley.net.moq.relay;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection path validation of seed 003, case by case. */
class ScopePathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "/               | NULL",
            "/a              | NULL",
            "/room/a         | NULL",
            "/a.b/c..d/.e    | NULL",
            "/parley:x/cam   | NULL",
            "/a%20b          | the path must not be percent-encoded",
            "/%2e%2e/x       | the path must not be percent-encoded",
            "a               | the path must start with /",
            "room/a          | the path must start with /",
            "//              | the path has an empty segment",
            "/a//b           | the path has an empty segment",
            "/a/             | the path has an empty segment",
            "/.              | the path has a dot segment",
            "/..             | the path has a dot segment",
            "/a/./b          | the path has a dot segment",
            "/a/../b         | the path has a dot segment",
            "/a/..           | the path has a dot segment",
    })
    void validates(String path, String problem) {
        assertThat(ScopePath.problem(path)).isEqualTo(problem);
    }

    @org.junit.jupiter.api.Test
    void lengthIsCountedInUtf8Bytes() {
        String ok = "/" + "a".repeat(1023);
        assertThat(ScopePath.problem(ok)).isNull();
        assertThat(ScopePath.problem(ok + "a")).isEqualTo("the path is longer than 1024 bytes");
        // 512 two-byte characters plus the slash: 1025 bytes although only 513 chars
        assertThat(ScopePath.problem("/" + "é".repeat(512))).isEqualTo("the path is longer than 1024 bytes");
        assertThat(ScopePath.problem("")).isEqualTo("the path is empty");
        assertThat(ScopePath.problem(null)).isEqualTo("the path is empty");
    }

    @org.junit.jupiter.api.Test
    void rootIsTheMoqPrefix() {
        assertThat(ScopePath.parse("/room/a").root().value()).isEqualTo("room/a");
        assertThat(ScopePath.ROOT.root().isEmpty()).isTrue();
        assertThatThrownBy(() -> ScopePath.parse("/a/../b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the path has a dot segment");
    }
}
