package dev.parley.net.transport;

/** The connection is closed; every blocked stream operation fails with this. */
public final class ConnectionClosedException extends TransportException {
    private final CloseReason reason;

    public ConnectionClosedException(CloseReason reason) {
        super("connection closed: " + reason);
        this.reason = reason;
    }

    public CloseReason reason() {
        return reason;
    }
}
