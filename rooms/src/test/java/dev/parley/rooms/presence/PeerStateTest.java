package dev.parley.rooms.presence;

import dev.parley.net.postcard.PostcardException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerStateTest {
    @Test
    void encodingIsAVersionByteThenPositionalPostcard() {
        PeerState s = new PeerState(List.of("camera"), Optional.of("Ann"));
        assertThat(HexFormat.of().formatHex(s.encode())).isEqualTo("01" + "01" + "06" + "63616d657261" + "01" + "03" + "416e6e");
        assertThat(PeerState.decode(s.encode())).isEqualTo(s);
        assertThat(PeerState.decode(PeerState.empty().encode())).isEqualTo(PeerState.empty());
        assertThat(HexFormat.of().formatHex(PeerState.empty().encode())).isEqualTo("010000");
    }

    @Test
    void unknownVersionsBadUtf8AndBrokenLimitsAreRejected() {
        assertThatThrownBy(() -> PeerState.decode(HexFormat.of().parseHex("020000"))).isInstanceOf(PostcardException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> PeerState.decode(HexFormat.of().parseHex("010102c3280" + "0"))).isInstanceOf(PostcardException.class);
        assertThatThrownBy(() -> PeerState.decode(HexFormat.of().parseHex("0111"))).isInstanceOf(PostcardException.class);
        assertThatThrownBy(() -> PeerState.decode(HexFormat.of().parseHex("010000ff"))).isInstanceOf(PostcardException.class);
        assertThatThrownBy(() -> new PeerState(List.of(), Optional.of("x".repeat(65)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerState(List.of("a\nb"), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        // 65-byte display name on the wire
        byte[] longName = new byte[3 + 1 + 65];
        longName[0] = 1;
        longName[1] = 0;
        longName[2] = 1;
        longName[3] = 65;
        java.util.Arrays.fill(longName, 4, longName.length, (byte) 'x');
        assertThatThrownBy(() -> PeerState.decode(longName)).isInstanceOf(PostcardException.class);
    }

    @Test
    void broadcastsAreASetInOrder() {
        PeerState s = PeerState.empty().withBroadcast("camera").withBroadcast("screen").withBroadcast("camera");
        assertThat(s.broadcasts()).containsExactly("camera", "screen");
        assertThat(s.withoutBroadcast("camera").broadcasts()).containsExactly("screen");
    }
}
