package dev.parley.rooms.chat;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChatDedupTest {
    private final EndpointId alice = Identity.generate().id();
    private final EndpointId bob = Identity.generate().id();

    @Test
    void aMessageDeliveredByTheSecondRoutePassesOnlyOnce() {
        ChatDedup d = new ChatDedup();
        assertThat(d.firstTime(alice, 0, "hi")).isTrue();
        assertThat(d.firstTime(alice, 1, "how are you")).isTrue();
        assertThat(d.firstTime(alice, 0, "hi")).as("history replay on the other route").isFalse();
        assertThat(d.firstTime(alice, 1, "how are you")).isFalse();
        assertThat(d.firstTime(alice, 2, "hi")).as("the same text again is a new message").isTrue();
        assertThat(d.firstTime(bob, 0, "hi")).as("senders are separate").isTrue();
    }

    @Test
    void aRestartedSendersNewMessagesPassAndALeftSenderIsForgotten() {
        ChatDedup d = new ChatDedup();
        assertThat(d.firstTime(alice, 0, "before the restart")).isTrue();
        assertThat(d.firstTime(alice, 0, "after the restart")).as("sequence 0 again, other text").isTrue();
        d.forget(alice);
        assertThat(d.senders()).isZero();
        assertThat(d.firstTime(alice, 0, "before the restart")).isTrue();
    }

    @Test
    void memoryIsBoundedPerSenderAndStillCoversAWholeHistoryReplay() {
        ChatDedup d = new ChatDedup();
        for (int i = 0; i < ChatDedup.WINDOW * 3; i++) {
            assertThat(d.firstTime(alice, i, "m" + i)).isTrue();
        }
        long oldestRemembered = ChatDedup.WINDOW * 3L - ChatDedup.WINDOW;
        for (long i = ChatDedup.WINDOW * 3L - ChatHistory.MAX_MESSAGES; i < ChatDedup.WINDOW * 3L; i++) {
            assertThat(d.firstTime(alice, i, "m" + i)).as("a replayed history entry %d", i).isFalse();
        }
        assertThat(d.firstTime(alice, oldestRemembered - 1, "m" + (oldestRemembered - 1))).as("evicted").isTrue();
    }
}
