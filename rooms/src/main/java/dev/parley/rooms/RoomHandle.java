package dev.parley.rooms;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.rooms.ticket.RoomTicket;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Commands to a room. Cheap to share between threads; every method returns a future that completes
 * when the room actor has done it (exceptionally with the reason, e.g. a
 * {@link dev.parley.rooms.chat.ChatException}). After {@link #leave()} every call fails with
 * {@link dev.parley.net.actor.ActorStoppedException}.
 */
public final class RoomHandle {
    /** What a handle drives: a gossip {@link Room}, a {@link RelayRoom} or a {@link HybridRoom}. */
    interface Target {
        void command(RoomRequest request);

        CompletableFuture<Void> leave();

        RoomTicket ticket();
    }

    private final Target room;

    RoomHandle(Target room) {
        this.room = room;
    }

    /** Publishes {@code broadcast} as {@code name} and announces it in this peer's state. */
    public CompletableFuture<Void> publish(String name, BroadcastProducer broadcast) {
        return send(f -> new RoomRequest.Publish(name, broadcast, f));
    }

    /** Removes {@code name} from this peer's state; subscribers drop it. The producer stays the caller's. */
    public CompletableFuture<Void> unpublish(String name) {
        return send(f -> new RoomRequest.Unpublish(name, f));
    }

    /** Sends a chat message (at most 4 KiB of UTF-8, rate limited). */
    public CompletableFuture<Void> sendChat(String text) {
        return send(f -> new RoomRequest.SendChat(text, f));
    }

    public CompletableFuture<Void> setDisplayName(String name) {
        return send(f -> new RoomRequest.SetDisplayName(name, f));
    }

    /** Leaves the room: others see PeerLeft at once. Idempotent. */
    public CompletableFuture<Void> leave() {
        return room.leave();
    }

    /** A ticket to this room that lists this peer first. */
    public RoomTicket ticket() {
        return room.ticket();
    }

    private CompletableFuture<Void> send(Function<CompletableFuture<Void>, RoomRequest> command) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        room.command(command.apply(f));
        return f;
    }
}
