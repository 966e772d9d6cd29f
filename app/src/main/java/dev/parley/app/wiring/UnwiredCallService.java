package dev.parley.app.wiring;

import dev.parley.app.service.CallService;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.TicketCheck;

import java.util.concurrent.CompletableFuture;

/**
 * The call service of a build without the rooms module wired in: it says so, and never pretends to
 * be in a room. Replaced by the adapter over {@code dev.parley.rooms} once that lands.
 */
public final class UnwiredCallService implements CallService {
    static final String MESSAGE = "Rooms are not available in this build yet.";

    @Override
    public TicketCheck check(String ticket) {
        // The ticket format belongs to the rooms module; without it only the generic checks apply.
        return new TicketCheck.Valid(ticket);
    }

    @Override
    public CompletableFuture<RoomSession> create(JoinRequest request) {
        return CompletableFuture.failedFuture(new ServiceException(MESSAGE));
    }

    @Override
    public CompletableFuture<RoomSession> join(String ticket, JoinRequest request) {
        return CompletableFuture.failedFuture(new ServiceException(MESSAGE));
    }
}
