package dev.parley.app.testing;

import dev.parley.app.service.CallService;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.TicketCheck;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts tickets starting with "room" and hands out {@link FakeRoomSession}s, or fails when told to. */
public final class FakeCalls implements CallService {
    public final List<JoinRequest> requests = new CopyOnWriteArrayList<>();
    public final List<String> joined = new CopyOnWriteArrayList<>();
    public volatile String failWith;
    public volatile FakeRoomSession last;

    @Override
    public TicketCheck check(String ticket) {
        return ticket.startsWith("room") ? new TicketCheck.Valid(ticket)
                : new TicketCheck.Invalid("This is not a room ticket: room tickets start with \"room\".");
    }

    @Override
    public CompletableFuture<RoomSession> create(JoinRequest request) {
        return open(request, "roomnew");
    }

    @Override
    public CompletableFuture<RoomSession> join(String ticket, JoinRequest request) {
        joined.add(ticket);
        return open(request, ticket);
    }

    private CompletableFuture<RoomSession> open(JoinRequest request, String ticket) {
        requests.add(request);
        if (failWith != null) {
            return CompletableFuture.failedFuture(new ServiceException(failWith));
        }
        last = new FakeRoomSession(ticket);
        return CompletableFuture.completedFuture(last);
    }
}
