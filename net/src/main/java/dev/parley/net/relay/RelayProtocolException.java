package dev.parley.net.relay;

/** A relay frame that breaks the iroh relay protocol: truncated, oversize, unknown type or bad field. */
public final class RelayProtocolException extends RuntimeException {
    public RelayProtocolException(String message) {
        super(message);
    }
}
