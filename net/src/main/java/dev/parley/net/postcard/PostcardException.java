package dev.parley.rooms.gossip.wire;

/** Bytes that do not decode as the expected postcard value: truncated, oversized, or an unknown variant. */
public final class DecodeException extends RuntimeException {
    public DecodeException(String message) {
        super(message);
    }
}
