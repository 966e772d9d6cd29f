package dev.parley.rooms;

/** The room has been left or closed; its handle no longer accepts commands. */
public final class ActorStoppedException extends IllegalStateException {
    public ActorStoppedException(String message) {
        super(message);
    }
}
