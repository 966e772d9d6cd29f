package dev.parley.net.moq.session;

import dev.parley.net.identity.EndpointId;

import java.util.Optional;
import java.util.function.Function;

/**
 * A session a peer opened to us, waiting for the application to take it. The session is already live;
 * {@link #accept()} hands it to the {@link Moq} manager (which then publishes every local broadcast to
 * it), {@link #reject()} closes it with code 1. Deciding twice is a no-op that returns the first result.
 */
public final class IncomingSession {
    /** The close code of a rejected session. */
    public static final long REJECTED = 1;

    private final MoqSession session;
    private final Function<MoqSession, MoqSession> register;
    private boolean decided;

    IncomingSession(MoqSession session, Function<MoqSession, MoqSession> register) {
        this.session = session;
        this.register = register;
    }

    public Optional<EndpointId> remoteId() {
        return session.remoteId();
    }

    /** Takes the session into the manager and returns it. */
    public synchronized MoqSession accept() {
        if (!decided) {
            decided = true;
            register.apply(session);
        }
        return session;
    }

    /** Closes the session with {@link #REJECTED}. */
    public synchronized void reject() {
        if (!decided) {
            decided = true;
            session.close(REJECTED, "rejected");
        }
    }

    @Override
    public String toString() {
        return "IncomingSession[" + session + "]";
    }
}
