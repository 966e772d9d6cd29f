package dev.parley.rooms.chat;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat message whose group stalls (its stream lost: the group is open, its frame never comes) while a
 * newer message arrives is read from the sender's history instead of being waited for or lost, and the
 * messages behind it keep their order.
 */
@Timeout(30)
class ChatReaderStallTest {
    record Got(long seq, String text, boolean fromHistory) {
    }

    @Test
    void aStalledMessageIsReadFromTheHistoryAndTheNextOneFollows() throws Exception {
        BroadcastProducer feed = new BroadcastProducer();
        TrackProducer history = feed.createTrack(new TrackInfo(ChatHistory.TRACK, TrackInfo.PRIORITY_CHAT));
        TrackProducer chat = feed.createTrack(new TrackInfo(ChatCodec.TRACK, TrackInfo.PRIORITY_CHAT));
        ChatHistory sent = new ChatHistory();
        history.appendGroupWithFrame(HistoryFrame.encode(sent, 0)); // nothing sent yet
        List<Got> got = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> new ChatReader("peer", new ChatReader.Sink() {
            @Override
            public void deliver(long seq, String text, Instant at, boolean fromHistory) {
                got.add(new Got(seq, text, fromHistory));
            }

            @Override
            public void invalid() {
            }
        }).read(feed.consume(), -1));
        try {
            send(chat, history, sent, "a", true);
            awaitSize(got, 1);
            GroupProducer stalled = chat.appendGroup(); // group 1: open, its frame never arrives
            sent.add(System.currentTimeMillis(), "b");
            long started = System.nanoTime();
            send(chat, history, sent, "c", true); // group 2, and the history now holds a, b, c
            awaitSize(got, 3);
            double ms = (System.nanoTime() - started) / 1e6;
            System.out.printf("stalled chat message repaired from the history after %.0f ms%n", ms);
            // "a" may come from the first history read (the reader subscribed after it was sent); "b" comes
            // from the history's gap repair, "c" from its own group
            assertThat(got.stream().map(g -> g.seq() + ":" + g.text()).toList()).containsExactly("0:a", "1:b", "2:c");
            assertThat(ms).as("within the stall budget and a history read, not the 5 s frame wait")
                    .isLessThan(ChatReader.STALL_BUDGET.toMillis() + 1500);
            stalled.close();
        } finally {
            feed.close();
            reader.join(Duration.ofSeconds(5));
        }
        assertThat(reader.isAlive()).as("the reader ends with the feed").isFalse();
    }

    // One chat group with the message, then the rewritten history (as a sender does).
    private static void send(TrackProducer chat, TrackProducer history, ChatHistory sent, String text, boolean addToHistory) {
        if (addToHistory && sent.entries().stream().noneMatch(e -> e.text().equals(text))) {
            sent.add(System.currentTimeMillis(), text);
        }
        GroupProducer g = chat.appendGroupWithFrame(ChatCodec.encode(text));
        history.appendGroupWithFrame(HistoryFrame.encode(sent, g.sequence() + 1));
    }

    private static void awaitSize(List<Got> got, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (got.size() < n) {
            assertThat(System.nanoTime()).as("%d messages, got %s", n, got).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
