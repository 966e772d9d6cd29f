package dev.parley.rooms.chat;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.LiveRead;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * Reads one peer's chat from its room broadcast: first its history (late joiners, or what a reconnect
 * missed), then the live track, one group per message. Groups can overtake each other on the wire
 * (newest first) and the model never goes backwards, so a gap in sequence numbers is filled from the
 * history track, which every sender rewrites after each message; so is a message whose group stalls
 * behind a newer one ({@link #STALL_BUDGET}). Every wait has a deadline ({@link LiveRead}). Blocking:
 * runs on its own virtual thread until the feed ends.
 */
public final class ChatReader {
    private static final Logger LOG = LoggerFactory.getLogger(ChatReader.class);
    /** How long a chat gap waits for the history group that repairs it. */
    static final Duration REPAIR_WAIT = Duration.ofSeconds(5);
    private static final Duration FIRST_HISTORY_WAIT = Duration.ofSeconds(3);
    /** How long a message may trail behind a newer one before the history is asked for it instead. */
    static final Duration STALL_BUDGET = Duration.ofSeconds(1);

    /** Where read messages go, in sequence order. */
    public interface Sink {
        /** Chat group {@code seq}; {@code fromHistory} for messages sent before we were linked. */
        void deliver(long seq, String text, Instant at, boolean fromHistory);

        /** A malformed chat or history frame was dropped. */
        void invalid();
    }

    private final String who;
    private final Sink sink;

    /** @param who the sender, for logs */
    public ChatReader(String who, Sink sink) {
        this.who = who;
        this.sink = sink;
    }

    /**
     * Reads until the feed ends. {@code resumeAt} is the first sequence not yet delivered (after a
     * reconnect), or -1 for a peer we have not read before.
     */
    public void read(BroadcastConsumer feed, long resumeAt) {
        try (TrackConsumer h = feed.subscribe(ChatHistory.TRACK, TrackInfo.PRIORITY_CHAT);
             TrackConsumer chat = feed.subscribe(ChatCodec.TRACK, TrackInfo.PRIORITY_CHAT)) {
            chat.maxLatency(Duration.ofSeconds(30));
            long next = Math.max(0, resumeAt);
            HistoryFrame snap = nextHistory(h, FIRST_HISTORY_WAIT);
            if (snap != null) {
                boolean resuming = resumeAt >= 0 && resumeAt <= snap.end(); // else new, or the sender restarted
                for (long seq = resuming ? Math.max(resumeAt, snap.first()) : snap.first(); seq < snap.end(); seq++) {
                    ChatHistory.Entry e = snap.entries().get((int) (seq - snap.first()));
                    sink.deliver(seq, e.text(), Instant.ofEpochMilli(e.unixMs()), !resuming);
                }
                next = snap.end();
                LOG.debug("chat history from {}: {} messages (resuming: {})", who, snap.entries().size(), resuming);
            }
            while (true) {
                LiveRead.Next got = LiveRead.nextGroup(chat);
                if (got instanceof LiveRead.Next.Waiting) {
                    continue;
                }
                if (!(got instanceof LiveRead.Next.Group(GroupConsumer g))) {
                    break;
                }
                long seq = g.sequence();
                if (seq < next) {
                    continue; // already delivered (history or repair)
                }
                if (seq > next) {
                    repairGap(h, next, seq);
                }
                byte[] frame = readMessage(g);
                if (frame == null) {
                    next = seq; // lost or stalled: the next message's gap repair fetches it from the history
                    continue;
                }
                next = seq + 1;
                String text;
                try {
                    text = ChatCodec.decode(frame);
                } catch (ChatException bad) {
                    sink.invalid();
                    continue;
                }
                sink.deliver(seq, text, Instant.now(), false);
            }
        } catch (MoqException | IllegalStateException | TransportException e) {
            LOG.debug("chat from {} ended: {}", who, e.getMessage());
        }
    }

    /**
     * A message group's one frame, each wait bounded ({@link LiveRead#WAIT}); null when the group ended
     * empty or was aborted, or stalled for {@link #STALL_BUDGET} while a newer message has arrived.
     */
    private static byte[] readMessage(GroupConsumer g) {
        try (g) {
            long deadline = System.nanoTime() + REPAIR_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                LiveRead.Frame f = LiveRead.frame(g, STALL_BUDGET);
                if (f instanceof LiveRead.Frame.Data(byte[] frame)) {
                    return frame;
                }
                if (!(f instanceof LiveRead.Frame.Waiting)) {
                    return null;
                }
            }
            return null;
        } catch (MoqException aborted) {
            return null;
        }
    }

    /** The newest history group that arrives within {@code timeout}; null if none. */
    private HistoryFrame nextHistory(TrackConsumer h, Duration timeout) {
        try {
            GroupConsumer g = h.nextGroup(timeout);
            byte[] frame = g == null ? null : g.readFrame(timeout);
            return frame == null ? null : HistoryFrame.decode(frame);
        } catch (PostcardException bad) {
            sink.invalid();
            return null;
        } catch (MoqException timeoutOrEnd) {
            return null;
        }
    }

    /**
     * Delivers messages {@code [from, to)} from the sender's history. The history group that covers
     * the gap was written right after the message that overtook it, but on a busy machine it can trail
     * by more than a second; waiting a few seconds keeps a burst complete (chat behind the gap waits
     * too, so order holds).
     */
    private void repairGap(TrackConsumer h, long from, long to) {
        long deadline = System.nanoTime() + REPAIR_WAIT.toNanos();
        HistoryFrame snap = null;
        while ((snap == null || snap.end() < to) && System.nanoTime() < deadline) {
            HistoryFrame s = nextHistory(h, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (s != null) {
                snap = s;
            }
        }
        long next = from;
        LOG.debug("chat from {}: repairing gap [{}, {}) from history", who, from, to);
        if (snap != null) {
            for (long seq = Math.max(from, snap.first()); seq < Math.min(to, snap.end()); seq++) {
                ChatHistory.Entry e = snap.entries().get((int) (seq - snap.first()));
                sink.deliver(seq, e.text(), Instant.ofEpochMilli(e.unixMs()), false);
                next = seq + 1;
            }
        }
        if (next < to) {
            LOG.debug("chat from {}: {} messages lost in a gap", who, to - next);
        }
    }
}
