package dev.parley.rooms;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.rooms.chat.ChatCodec;
import dev.parley.rooms.chat.ChatException;
import dev.parley.rooms.chat.ChatHistory;
import dev.parley.rooms.chat.HistoryFrame;
import dev.parley.rooms.chat.RateLimiter;

/**
 * This peer's {@value Room#ROOM_BROADCAST} broadcast: {@code chat} (one group per message, one UTF-8
 * frame), {@code chat.history} (recent messages for late joiners, rewritten after each message) and
 * {@code heartbeat} (one tiny group per beat; a leaving peer's last beat says so). Owned by one room
 * thread; not thread-safe.
 */
final class RoomFeed {
    static final String HEARTBEAT_TRACK = "heartbeat";
    /** Heartbeat payloads: alive, and the last beat a leaving peer sends. */
    static final byte HEARTBEAT_ALIVE = 1, HEARTBEAT_LEAVING = 0;

    private final BroadcastProducer broadcast = new BroadcastProducer();
    private final TrackProducer chatTrack;
    private final TrackProducer historyTrack;
    private final TrackProducer heartbeatTrack;
    private final ChatHistory history = new ChatHistory();
    private final RateLimiter sendLimiter = RateLimiter.forChat();
    private long chatSequence;

    RoomFeed() {
        chatTrack = broadcast.createTrack(new TrackInfo(ChatCodec.TRACK, TrackInfo.PRIORITY_CHAT));
        historyTrack = broadcast.createTrack(new TrackInfo(ChatHistory.TRACK, TrackInfo.PRIORITY_CHAT));
        heartbeatTrack = broadcast.createTrack(new TrackInfo(HEARTBEAT_TRACK, TrackInfo.PRIORITY_CHAT));
        historyTrack.appendGroupWithFrame(HistoryFrame.encode(history, chatSequence));
    }

    BroadcastProducer broadcast() {
        return broadcast;
    }

    /** Sends a chat message; {@link ChatException} when it is invalid or over the rate limit. */
    void sendChat(String text) {
        byte[] frame = ChatCodec.encode(text);
        if (!sendLimiter.tryAcquire(System.nanoTime())) {
            throw new ChatException("chat rate limit: at most 5 messages per second (bursts of 10)");
        }
        chatTrack.appendGroupWithFrame(frame);
        chatSequence++;
        history.add(System.currentTimeMillis(), text);
        historyTrack.appendGroupWithFrame(HistoryFrame.encode(history, chatSequence));
    }

    void beat() {
        heartbeatTrack.appendGroupWithFrame(new byte[] {HEARTBEAT_ALIVE});
    }

    /** The last beat: the peer is leaving (straight over every link, ahead of gossip). */
    void leavingBeat() {
        heartbeatTrack.appendGroupWithFrame(new byte[] {HEARTBEAT_LEAVING});
    }

    void close() {
        broadcast.close();
    }
}
