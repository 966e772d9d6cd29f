package dev.parley.rooms;

import dev.parley.net.moq.model.BroadcastProducer;

import java.util.concurrent.CompletableFuture;

/** Requests to the room actor; each carries the future that completes when it is done. */
sealed interface RoomRequest {
    CompletableFuture<Void> reply();

    record Publish(String name, BroadcastProducer broadcast, CompletableFuture<Void> reply) implements RoomRequest {}

    record Unpublish(String name, CompletableFuture<Void> reply) implements RoomRequest {}

    record SendChat(String text, CompletableFuture<Void> reply) implements RoomRequest {}

    record SetDisplayName(String name, CompletableFuture<Void> reply) implements RoomRequest {}

    record Leave(CompletableFuture<Void> reply) implements RoomRequest {}
}
