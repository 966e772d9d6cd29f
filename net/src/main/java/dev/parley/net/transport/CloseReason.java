package dev.parley.net.transport;

/** Why a connection ended. */
public sealed interface CloseReason {

    /** This side called close. */
    record Local(long code, String reason) implements CloseReason {}

    /** The peer closed with an application code. */
    record Remote(long code, String reason) implements CloseReason {}

    /** The transport failed: idle timeout, handshake failure, protocol violation, I/O error. */
    record TransportError(String message) implements CloseReason {}
}
