package dev.parley.rooms.chat;

import dev.parley.net.postcard.PostcardException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatCodecTest {
    @Test
    void aMessageIsItsUtf8BytesAndNothingElse() {
        assertThat(ChatCodec.encode("héllo 👋")).isEqualTo("héllo 👋".getBytes(StandardCharsets.UTF_8));
        assertThat(ChatCodec.decode(ChatCodec.encode("héllo 👋"))).isEqualTo("héllo 👋");
    }

    @Test
    void limitsAndInvalidUtf8AreRejected() {
        assertThat(ChatCodec.decode("a".repeat(4096).getBytes(StandardCharsets.UTF_8)))
                .hasSize(4096);
        assertThatThrownBy(() -> ChatCodec.encode("a".repeat(4097))).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> ChatCodec.encode("é".repeat(2049))).isInstanceOf(ChatException.class); // 4098 bytes
        assertThatThrownBy(() -> ChatCodec.decode(new byte[4097])).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> ChatCodec.decode(new byte[0])).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> ChatCodec.decode(new byte[] {(byte) 0xc3, 0x28})).isInstanceOf(ChatException.class);
        // an encoded surrogate (CESU style) is not UTF-8
        assertThatThrownBy(() -> ChatCodec.decode(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> ChatCodec.encode("")).isInstanceOf(ChatException.class);
    }

    @Test
    void theRateLimiterAllowsABurstThenTheSteadyRate() {
        RateLimiter r = RateLimiter.forChat();
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            if (r.tryAcquire(0)) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(10);
        assertThat(r.tryAcquire(100_000_000)).isFalse(); // 0.5 token after 100 ms
        assertThat(r.tryAcquire(200_000_000)).isTrue();  // 1 token after 200 ms
        int later = 0;
        for (int i = 0; i < 20; i++) {
            if (r.tryAcquire(10_000_000_000L)) {
                later++;
            }
        }
        assertThat(later).isEqualTo(10); // refilled to the burst, not beyond
    }

    @Test
    void historyKeepsTheLast200AndRoundTrips() {
        ChatHistory h = new ChatHistory();
        for (int i = 0; i < 250; i++) {
            h.add(i, "m" + i);
        }
        List<ChatHistory.Entry> back = ChatHistory.decode(h.encode());
        assertThat(back).hasSize(200);
        assertThat(back.getFirst()).isEqualTo(new ChatHistory.Entry(50, "m50"));
        assertThat(back.getLast()).isEqualTo(new ChatHistory.Entry(249, "m249"));
        assertThatThrownBy(() -> ChatHistory.decode(new byte[] {2, 0})).isInstanceOf(PostcardException.class);
        assertThatThrownBy(() -> ChatHistory.decode(new byte[] {1, 1, 0, 0})).isInstanceOf(PostcardException.class);
    }

    @Test
    void historyStaysUnderItsByteCapByDroppingTheOldest() {
        ChatHistory h = new ChatHistory();
        for (int i = 0; i < 200; i++) {
            h.add(i, "x".repeat(4000));
        }
        byte[] enc = h.encode();
        assertThat(enc.length).isLessThanOrEqualTo(ChatHistory.MAX_BYTES);
        List<ChatHistory.Entry> back = ChatHistory.decode(enc);
        assertThat(back.getLast().unixMs()).isEqualTo(199);
        assertThat(back.size()).isLessThan(200);
    }
}
