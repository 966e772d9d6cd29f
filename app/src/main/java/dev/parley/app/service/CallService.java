package dev.parley.app.service;

import java.util.concurrent.CompletableFuture;

/** Creating and joining rooms. */
public interface CallService {
    /** Parses a pasted ticket without touching the network. */
    TicketCheck check(String ticket);

    /** Creates a new room; fails with a {@link ServiceException} carrying a readable message. */
    CompletableFuture<RoomSession> create(JoinRequest request);

    /** Joins the room of a ticket that {@link #check} accepted. */
    CompletableFuture<RoomSession> join(String ticket, JoinRequest request);
}
