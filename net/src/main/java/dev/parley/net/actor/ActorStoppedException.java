package dev.parley.net.actor;

/** The actor has stopped (or is stopping): it accepts no more commands. The one such exception in Parley. */
public final class ActorStoppedException extends IllegalStateException {
    public ActorStoppedException(String message) {
        super(message);
    }
}
