package dev.parley.net.quic;

import dev.parley.net.transport.TransportException;

/** A dial failed: wrong peer key, handshake timeout, refused protocol, unreachable address. */
public final class DialException extends TransportException {
    public DialException(String message) {
        super(message);
    }

    public DialException(String message, Throwable cause) {
        super(message, cause);
    }
}
